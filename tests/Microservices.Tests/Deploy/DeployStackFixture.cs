using System.Text.Json;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using Deploy;

namespace Microservices.Tests.Deploy;

/// <summary>
/// The CDK app synthesised once for each stream side, in this process (jsii's Node runtime, offline): the container
/// side as cdk.json sets it, the Lambda side with a temporary asset folder holding a dummy <c>bootstrap</c>.
/// </summary>
public sealed class DeployStackFixture : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("deploy-synth-").FullName;

    public DeployStackFixture()
    {
        RepositoryRoot = DeploySettings.FindRepositoryRoot(AppContext.BaseDirectory);
        // The real command line runs beside the in-process synths (a process of its own), so the class waits for the longer only.
        CommandLine = CdkCommandLine.SynthAsync(RepositoryRoot, Path.Combine(_work, "cdk.out-cli"));
        var asset = Directory.CreateDirectory(Path.Combine(_work, "relay-lambda")).FullName;
        File.WriteAllText(Path.Combine(asset, "bootstrap"), "#!/bin/sh\nexit 1\n");
        (Container, ContainerTemplate, ContainerJson) = Synth(new() { [DeploySettings.StreamSideKey] = "container" }, "container");
        (Lambda, LambdaTemplate, LambdaJson) = Synth(new() { [DeploySettings.StreamSideKey] = "lambda", [DeploySettings.RelayLambdaAssetKey] = asset }, "lambda");
    }

    public string RepositoryRoot { get; }

    /// <summary><c>cdk synth</c> of the app as a deployer runs it, started when the fixture is.</summary>
    public Task<CdkCommandLine.Result> CommandLine { get; }

    public MicroservicesDeployment Container { get; }

    public Template ContainerTemplate { get; }

    /// <summary>The container side's template as JSON, for what the CDK's matchers do not say well (every role's every statement).</summary>
    public JsonObject ContainerJson { get; }

    public MicroservicesDeployment Lambda { get; }

    public Template LambdaTemplate { get; }

    public JsonObject LambdaJson { get; }

    public void Dispose()
    {
        try
        {
            CommandLine.Wait();
        }
        catch (AggregateException)
        {
        }

        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private (MicroservicesDeployment, Template, JsonObject) Synth(Dictionary<string, object> context, string name)
    {
        var app = new App(new AppProps { Outdir = Path.Combine(_work, "cdk.out-" + name), Context = context });
        var stack = new MicroservicesDeployment(app, "Microservices", DeploySettings.From(app, RepositoryRoot));
        var template = Template.FromStack(stack);
        var json = JsonNode.Parse(JsonSerializer.Serialize(template.ToJSON()))!.AsObject();
        return (stack, template, json);
    }
}

/// <summary>
/// The pinned CDK command line (services/Deploy/node_modules, from shared/prerequisites.sh) synthesising the built app
/// offline: <c>--no-lookups</c>, no AWS credentials, configuration or instance metadata.
/// </summary>
public static class CdkCommandLine
{
    public sealed record Result(int ExitCode, string Output, string OutputDirectory);

    public static async Task<Result> SynthAsync(string repositoryRoot, string output)
    {
        var deploy = Path.Combine(repositoryRoot, "services", "Deploy");
        var cdk = Path.Combine(deploy, "node_modules", ".bin", "cdk");
        if (!File.Exists(cdk))
        {
            return new Result(-1, $"{cdk} is missing: run shared/prerequisites.sh", output);
        }

        var start = new System.Diagnostics.ProcessStartInfo(cdk)
        {
            WorkingDirectory = deploy,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "synth", "--no-lookups", "--no-notices", "--no-version-reporting", "--quiet", "-o", output, "--app", $"dotnet {Path.Combine(AppContext.BaseDirectory, "Deploy.dll")}" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var variable in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION" })
        {
            start.Environment.Remove(variable);
        }

        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_CONFIG_FILE"] = start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(output, "no-such-file");
        start.Environment["JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION"] = "1";
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new Result(process.ExitCode, await stderr + await stdout, output);
    }
}

/// <summary>Reading a synthesised template: resources by type, a role's policy statements.</summary>
internal static class TemplateJson
{
    public static IEnumerable<(string Id, JsonObject Resource)> Resources(this JsonObject template, string type) =>
        template["Resources"]!.AsObject()
            .Where(r => r.Value!["Type"]!.GetValue<string>() == type)
            .Select(r => (r.Key, r.Value!.AsObject()));

    public static JsonObject Properties(this JsonObject template, string logicalId) =>
        template["Resources"]![logicalId]!["Properties"]!.AsObject();

    /// <summary>Every statement of every IAM policy attached to the role with this logical id.</summary>
    public static List<JsonObject> StatementsOf(this JsonObject template, string roleId) =>
    [
        .. template.Resources("AWS::IAM::Policy")
            .Where(p => p.Resource["Properties"]!["Roles"]!.AsArray().Any(r => r!["Ref"]?.GetValue<string>() == roleId))
            .SelectMany(p => p.Resource["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject())),
    ];

    /// <summary>A value that is one string or an array of them, as strings (tokens as their JSON).</summary>
    public static List<string> Strings(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => [.. array.Select(a => a is JsonValue v && v.TryGetValue<string>(out var s) ? s : a!.ToJsonString())],
        JsonValue value when value.TryGetValue<string>(out var s) => [s],
        _ => [node.ToJsonString()],
    };
}
