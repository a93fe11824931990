using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace Microservices.Streams;

public sealed class DynamoDbStreamsClientOptions
{
    /// <summary>
    /// Empty means AWS's regional Streams endpoint. DynamoDB Local serves Streams on its DynamoDB endpoint, so there
    /// this is the same URL as the table's.
    /// </summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>Signing region; also picks the AWS endpoint when <see cref="ServiceUrl"/> is empty.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Null means the SDK's default credential chain (environment, profile, instance role).</summary>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>
    /// The Streams endpoint beside the host's DynamoDB client: the same service URL (DynamoDB Local serves both), the
    /// same region and the same credentials, so a host configures DynamoDB once.
    /// </summary>
    public static DynamoDbStreamsClientOptions From(IAmazonDynamoDB dynamo)
    {
        ArgumentNullException.ThrowIfNull(dynamo);
        var config = dynamo.Config;
        return new DynamoDbStreamsClientOptions
        {
            ServiceUrl = string.IsNullOrWhiteSpace(config.ServiceURL) ? null : new Uri(config.ServiceURL),
            Region = config.AuthenticationRegion ?? config.RegionEndpoint?.SystemName ?? "us-east-1",
            // A client's credentials are visible only when set on its configuration; otherwise the default chain serves both.
            Credentials = config.DefaultAWSCredentials,
        };
    }

    public Uri ResolveServiceUrl() => ServiceUrl ?? new Uri($"https://streams.dynamodb.{Region}.amazonaws.com/");
}
