// Command go-voice-agent deploys a ZEGOCLOUD voice AI agent and one running instance from Go, through
// the zego provider plugin and its generated Go SDK. It is a Pulumi Automation API *inline* program: the
// program below runs inside this process, so no Go language host (pulumi-language-go) is needed, only
// the pulumi CLI on PATH and the plugin installed (`pulumi plugin install resource zego ...`).
//
//	go-voice-agent [flags] up|preview|destroy
//
// Credentials come from the environment (never from flags, which other users can see in ps):
// ZEGO_SERVER_SECRET and LLM_API_KEY. The state backend and its passphrase are Pulumi's usual
// PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE. Engine progress goes to stderr; the last line on
// stdout is a JSON summary ({"op", "result", "changes", "outputs"}).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/pulumi-zego/pulumi-zego-aiagent/sdk/go/zego"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

const project = "go-voice-agent"

// settings are the program's inputs; the secrets among them only ever reach the engine as secret config.
type settings struct {
	stack, workDir, appID, endpoint, roomID string
	gracefulShutdownTimeout                 int
	serverSecret, llmAPIKey                 string
}

// program is the Pulumi program: an agent template and one voice instance in an RTC room. The provider
// is configured by the stack config `zego:appId`, `zego:serverSecret` (secret) and `zego:endpoint`.
func program(roomID string, gracefulShutdownTimeout int) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		agent, err := zego.NewAgent(ctx, "agent", &zego.AgentArgs{
			AgentId: pulumi.String("go_voice_agent"),
			Name:    pulumi.String("Go voice agent"),
		})
		if err != nil {
			return err
		}
		instance, err := zego.NewAgentInstance(ctx, "instance", &zego.AgentInstanceArgs{
			AgentId: agent.ID().ToStringOutput(),
			UserId:  pulumi.String("user_1"),
			Rtc: zego.RtcArgs{
				RoomId:        pulumi.String(roomID),
				AgentStreamId: pulumi.String("agent_stream_1"),
				AgentUserId:   pulumi.String("agent_user_1"),
				UserStreamId:  pulumi.String("user_stream_1"),
			},
			Llm: zego.LlmArgs{
				Url:          pulumi.String("https://llm.example.com/v1/chat/completions"),
				ApiKey:       config.RequireSecret(ctx, "llmApiKey"),
				Model:        pulumi.String("model-a"),
				SystemPrompt: pulumi.String("You are a helpful voice assistant. Answer briefly."),
			},
			// `destroy` lets the agent finish its sentence (up to the timeout), then waits until ZEGO
			// reports the instance gone.
			GracefulShutdown:        pulumi.Bool(true),
			GracefulShutdownTimeout: pulumi.Int(gracefulShutdownTimeout),
			WaitForDeletion:         pulumi.Bool(true),
		})
		if err != nil {
			return err
		}
		ctx.Export("agentId", agent.ID())
		ctx.Export("agentInstanceId", instance.AgentInstanceId)
		ctx.Export("status", instance.Status)
		return nil
	}
}

func parse(args []string) (settings, string, error) {
	s := settings{serverSecret: os.Getenv("ZEGO_SERVER_SECRET"), llmAPIKey: os.Getenv("LLM_API_KEY")}
	fs := flag.NewFlagSet(project, flag.ContinueOnError)
	fs.StringVar(&s.stack, "stack", "dev", "stack name")
	fs.StringVar(&s.workDir, "workdir", ".pulumi-work", "workspace directory (stack config and its encryption salt are kept here)")
	fs.StringVar(&s.appID, "app-id", os.Getenv("ZEGO_APP_ID"), "ZEGO AppID (default $ZEGO_APP_ID)")
	fs.StringVar(&s.endpoint, "endpoint", os.Getenv("ZEGO_ENDPOINT"), "ZEGO API base URL, e.g. an emulator (default $ZEGO_ENDPOINT; empty: the region's)")
	fs.StringVar(&s.roomID, "room", "room_1", "RTC room of the instance")
	fs.IntVar(&s.gracefulShutdownTimeout, "graceful-shutdown-timeout", 20, "seconds destroy waits for the agent to finish speaking (1 to 120)")
	if err := fs.Parse(args); err != nil {
		return s, "", err
	}
	if fs.NArg() != 1 {
		return s, "", fmt.Errorf("want one command (up, preview or destroy), got %q", fs.Args())
	}
	op := fs.Arg(0)
	if op != "up" && op != "preview" && op != "destroy" {
		return s, "", fmt.Errorf("unknown command %q: want up, preview or destroy", op)
	}
	if s.appID == "" {
		return s, "", errors.New("no ZEGO AppID: pass -app-id or set ZEGO_APP_ID")
	}
	if s.serverSecret == "" {
		return s, "", errors.New("no ZEGO ServerSecret: set ZEGO_SERVER_SECRET")
	}
	if s.llmAPIKey == "" && op != "destroy" {
		return s, "", errors.New("no LLM API key: set LLM_API_KEY")
	}
	return s, op, nil
}

type summary struct {
	Op      string         `json:"op"`
	Result  string         `json:"result"`
	Changes map[string]int `json:"changes"`
	Outputs map[string]any `json:"outputs,omitempty"`
}

func run(ctx context.Context, s settings, op string) (summary, error) {
	workDir, err := filepath.Abs(s.workDir)
	if err != nil {
		return summary{}, err
	}
	if err := os.MkdirAll(workDir, 0o700); err != nil {
		return summary{}, err
	}
	stack, err := auto.UpsertStackInlineSource(ctx, s.stack, project, program(s.roomID, s.gracefulShutdownTimeout), auto.WorkDir(workDir))
	if err != nil {
		return summary{}, err
	}
	cfg := auto.ConfigMap{
		"zego:appId":        {Value: s.appID},
		"zego:serverSecret": {Value: s.serverSecret, Secret: true},
	}
	if s.endpoint != "" {
		cfg["zego:endpoint"] = auto.ConfigValue{Value: s.endpoint}
	}
	if s.llmAPIKey != "" {
		cfg["llmApiKey"] = auto.ConfigValue{Value: s.llmAPIKey, Secret: true}
	}
	if err := stack.SetAllConfig(ctx, cfg); err != nil {
		return summary{}, err
	}
	switch op {
	case "preview":
		res, err := stack.Preview(ctx, optpreview.ProgressStreams(os.Stderr), optpreview.Diff())
		if err != nil {
			return summary{}, err
		}
		changes := map[string]int{}
		for k, v := range res.ChangeSummary {
			changes[string(k)] = v
		}
		return summary{Op: op, Result: "succeeded", Changes: changes}, nil
	case "up":
		res, err := stack.Up(ctx, optup.ProgressStreams(os.Stderr))
		if err != nil {
			return summary{}, err
		}
		outputs := map[string]any{}
		for k, v := range res.Outputs {
			if v.Secret {
				outputs[k] = "[secret]"
			} else {
				outputs[k] = v.Value
			}
		}
		return summary{Op: op, Result: res.Summary.Result, Changes: changes(res.Summary.ResourceChanges), Outputs: outputs}, nil
	default:
		res, err := stack.Destroy(ctx, optdestroy.ProgressStreams(os.Stderr))
		if err != nil {
			return summary{}, err
		}
		return summary{Op: op, Result: res.Summary.Result, Changes: changes(res.Summary.ResourceChanges)}, nil
	}
}

func changes(in *map[string]int) map[string]int {
	if in == nil {
		return map[string]int{}
	}
	return *in
}

func main() {
	s, op, err := parse(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", project, err)
		os.Exit(2)
	}
	if _, err := strconv.Atoi(s.appID); err != nil {
		fmt.Fprintf(os.Stderr, "%s: the AppID must be an integer, got %q\n", project, s.appID)
		os.Exit(2)
	}
	res, err := run(context.Background(), s, op)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %s failed: %v\n", project, op, err)
		os.Exit(1)
	}
	out, _ := json.Marshal(res)
	fmt.Println(string(out))
}
