using Amazon.Runtime;

namespace Microservices.Shared.Streams;

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

    public Uri ResolveServiceUrl() => ServiceUrl ?? new Uri($"https://streams.dynamodb.{Region}.amazonaws.com/");
}
