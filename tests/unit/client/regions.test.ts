import { expect } from "chai";
import { ZegoConfigError } from "../../../provider/client";
import { REGION_ENDPOINTS, resolveEndpoint, UNIFIED_ENDPOINT } from "../../../provider/client/regions";
import { thrown } from "./helpers";

describe("client: regions and endpoints", () => {
    it("maps the six documented regions", () => {
        for (const r of ["sha", "hkg", "fra", "lax", "bom", "sgp"] as const) {
            expect(resolveEndpoint({ region: r })).to.equal(`https://aigc-aiagent-api-${r}.zegotech.cn`);
            expect(REGION_ENDPOINTS[r]).to.equal(`https://aigc-aiagent-api-${r}.zegotech.cn`);
        }
    });

    it("uses the unified host by default", () => {
        expect(resolveEndpoint({})).to.equal("https://aigc-aiagent-api.zegotech.cn");
        expect(UNIFIED_ENDPOINT).to.equal("https://aigc-aiagent-api.zegotech.cn");
    });

    it("lets an endpoint override the region, without a trailing slash", () => {
        expect(resolveEndpoint({ endpoint: "https://proxy.example.com/zego/", region: "fra" })).to.equal("https://proxy.example.com/zego");
    });

    it("allows plain http only for loopback hosts", () => {
        for (const url of ["http://127.0.0.1:8080", "http://127.10.0.3", "http://localhost:3000/", "http://[::1]:9000"]) {
            expect(resolveEndpoint({ endpoint: url })).to.equal(url.replace(/\/$/, ""));
        }
        for (const url of [
            "http://aigc-aiagent-api.zegotech.cn",
            "http://10.0.0.1:8080",
            "http://128.0.0.1",
            "http://localhost.example.com",
        ]) {
            const err = thrown(() => resolveEndpoint({ endpoint: url }));
            expect(err).to.be.instanceOf(ZegoConfigError);
            expect((err as ZegoConfigError).option).to.equal("endpoint");
            expect(err.message)
                .to.include('option "endpoint"')
                .and.include("https://")
                .and.include("loopback")
                .and.include(new URL(url).host);
        }
    });

    it("rejects unknown regions, naming the allowed values and what was given", () => {
        const err = thrown(() => resolveEndpoint({ region: "eu-west" }));
        expect(err).to.be.instanceOf(ZegoConfigError);
        expect(err.message).to.include('option "region"').and.include('"sha"').and.include('"sgp"').and.include('"eu-west"');
    });

    it("rejects non-URLs, other schemes, queries and credentials (without echoing them)", () => {
        expect(thrown(() => resolveEndpoint({ endpoint: "aigc-aiagent-api.zegotech.cn" })).message).to.include("endpoint");
        expect(thrown(() => resolveEndpoint({ endpoint: "ftp://127.0.0.1" })).message).to.include("scheme ftp");
        expect(thrown(() => resolveEndpoint({ endpoint: "https://h.example.com/?x=1" })).message).to.include("query");
        const creds = thrown(() => resolveEndpoint({ endpoint: "https://user:hunter2@h.example.com" }));
        expect(creds.message).not.to.include("hunter2");
    });
});
