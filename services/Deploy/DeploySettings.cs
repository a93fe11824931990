using Amazon.CDK;
using Microservices.SingleTable;

namespace Deploy;

/// <summary>Which stream side runs the relay: its container beside the others, or a Lambda function behind an event source mapping.</summary>
public enum StreamSide
{
    Container,
    Lambda,
}

/// <summary>
/// What a deployment chooses, from CDK context (<c>-c key=value</c> or cdk.json): the stream side, the Lambda asset,
/// the tables' names, the broker's size, an optional certificate. Nothing here needs an AWS account to read.
/// </summary>
public sealed record DeploySettings(
    string RepositoryRoot,
    StreamSide StreamSide,
    string RelayLambdaAsset,
    string RelayLambdaArchitecture,
    string TableName,
    string LeaseTableName,
    string BrokerInstanceType,
    string BrokerDeploymentMode,
    string? CertificateArn)
{
    public const string StreamSideKey = "streamSide";
    public const string RelayLambdaAssetKey = "relayLambdaAsset";
    public const string RelayLambdaArchitectureKey = "relayLambdaArchitecture";
    public const string DefaultRelayLambdaAsset = "artifacts/relay-lambda";

    public static DeploySettings From(App app, string repositoryRoot)
    {
        ArgumentNullException.ThrowIfNull(app);
        string? Context(string key) => app.Node.TryGetContext(key)?.ToString();
        var defaults = new DynamoDbOptions();
        var side = Context(StreamSideKey) ?? "container";
        return new DeploySettings(
            repositoryRoot,
            Enum.TryParse<StreamSide>(side, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw new ArgumentException($"Context {StreamSideKey} is '{side}': container or lambda."),
            Path.GetFullPath(Context(RelayLambdaAssetKey) ?? DefaultRelayLambdaAsset, repositoryRoot),
            Context(RelayLambdaArchitectureKey) ?? "x86_64",
            Context("tableName") ?? defaults.TableName,
            Context("leaseTableName") ?? defaults.LeaseTableName,
            Context("brokerInstanceType") ?? "mq.m5.large",
            Context("brokerDeploymentMode") ?? "SINGLE_INSTANCE",
            Context("certificateArn"));
    }

    /// <summary>The checkout this app runs in: the first folder up from <paramref name="start"/> that holds Microservices.sln.</summary>
    public static string FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Microservices.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Microservices.sln above {start}: run the CDK app from the checkout.");
    }
}
