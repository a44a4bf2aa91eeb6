/**
 * The descriptions of the plugin schema's properties (and so of docs/api.md and the SDKs' doc
 * comments), derived: constraints in the words check uses (schema/validate.ts `describe`), an
 * example from the field table, and, for a resource's arguments, what a change does, asked of the
 * diff rules themselves (lifecycle/diff.ts `classifyChanges`), so no description is kept by hand.
 */
import { ChangeKind, classifyChanges } from "../lifecycle/diff";
import { ResourceKind } from "../schema/resources";
import { FieldSpec } from "../schema/spec";
import { describe as allowed } from "../schema/validate";

/** A value the field accepts: the table's `example`, else one from the constraints; an object has its required fields. */
export function exampleOf(spec: FieldSpec): unknown {
    if (spec.example !== undefined) return spec.example;
    switch (spec.kind) {
        case "string":
            return spec.enum?.[0] ?? spec.suggestions?.[0];
        case "integer":
        case "number": {
            const known = spec.enum?.[0] ?? spec.suggestions?.[0];
            if (known !== undefined) return known;
            if (spec.min === undefined || spec.max === undefined) return spec.min ?? 1;
            const middle = (spec.min + spec.max) / 2;
            return spec.kind === "integer" ? Math.round(middle) : middle;
        }
        case "boolean":
            return true;
        case "passthrough":
            return Object.fromEntries((spec.requiredKeys ?? []).map((key) => [key, {}]));
        case "array": {
            const item = exampleOf(spec.items);
            return item === undefined ? [] : [item];
        }
        case "object": {
            const fields = Object.entries(spec.fields);
            // Its required fields; one without any shows its first field.
            const shown = fields.some(([, f]) => f.required) ? fields.filter(([, f]) => f.required) : fields.slice(0, 1);
            return Object.fromEntries(shown.map(([name, f]) => [name, exampleOf(f)]));
        }
    }
}

/** The wire name, the constraints, secrecy and an example of a field, wherever it appears. */
export function fieldDescription(spec: FieldSpec): string {
    const parts: string[] = [];
    if (spec.description) parts.push(spec.description);
    parts.push(spec.wire ? `ZEGO \`${spec.wire}\`.` : "Provider setting (not part of the object ZEGO holds).");
    if (spec.kind !== "object") parts.push(`Allowed: ${allowed(spec)}.`);
    if (spec.kind === "passthrough" && spec.requiredKeys?.length)
        parts.push(`Must have ${spec.requiredKeys.map((k) => `\`${k}\``).join(", ")}.`);
    if (spec.secret) parts.push("Secret.");
    const example = exampleOf(spec);
    if (example !== undefined) parts.push(`Example: \`${JSON.stringify(example)}\`.`);
    return parts.join(" ");
}

const PHRASES: Record<ChangeKind, (kind: ResourceKind) => string> = {
    update: (kind) => `updates it in place (${kind === "Agent" ? "UpdateAgent" : "UpdateAgentInstance"})`,
    replace: () => "replaces the resource",
    state: () => "is recorded in state only (nothing is sent to ZEGO)",
    refuse: () => "is refused at preview",
};

/** Two values the diff rules can tell apart; their types do not matter to them. */
const [BEFORE, AFTER] = ["before", "after"];

/** What the diff rules say of going from `olds` to `news`: each kind of change, a refusal with its reason. */
function verdict(kind: ResourceKind, olds: Record<string, unknown>, news: Record<string, unknown>): string {
    const changes = classifyChanges(kind, olds, news);
    const refused = changes.find((c) => c.kind === "refuse");
    if (refused) return `${PHRASES.refuse(kind)}: ${refused.reason}`;
    return [...new Set(changes.map((c) => PHRASES[c.kind](kind)))].join(" and ");
}

/**
 * What a change of the top-level argument `key` does to an existing resource, asked of the diff
 * rules: a change of it (an object's field by field), and, when it is optional, setting and removing it.
 */
export function onChange(kind: ResourceKind, key: string, spec: FieldSpec): string {
    const fields = spec.kind === "object" ? Object.keys(spec.fields) : [];
    const byField = new Map<string, string[]>();
    for (const field of fields) {
        const said = verdict(kind, { [key]: { [field]: BEFORE } }, { [key]: { [field]: AFTER } });
        byField.set(said, [...(byField.get(said) ?? []), field]);
    }
    // One verdict for the whole argument, or none when its fields differ.
    const whole =
        byField.size > 1 ? undefined : byField.size === 1 ? [...byField.keys()][0]! : verdict(kind, { [key]: BEFORE }, { [key]: AFTER });
    const change = whole ?? [...byField].map(([said, names]) => `of ${names.map((f) => `\`${f}\``).join(", ")} ${said}`).join("; ");
    const parts = [`On change: a change ${change}.`];
    if (!spec.required) {
        const set = verdict(kind, {}, { [key]: AFTER });
        const removed = verdict(kind, { [key]: BEFORE }, {});
        if (set !== whole) parts.push(`Setting it where it was not ${set}.`);
        if (removed !== whole) parts.push(`Removing it ${removed}${removed.endsWith(".") ? "" : "."}`);
    }
    return parts.join(" ");
}
