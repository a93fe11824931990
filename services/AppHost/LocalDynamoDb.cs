using Microservices.SingleTable;

namespace AppHost;

/// <summary>DynamoDB Local from the pinned npm package, run with Java as an executable resource (no container engine needed).</summary>
public static class LocalDynamoDb
{
    /// <summary>
    /// The server in memory on <paramref name="port"/>: every run starts with no tables. It counts as healthy once it
    /// answers HTTP at all (an unsigned GET gets 400 MissingAuthenticationToken).
    /// </summary>
    public static IResourceBuilder<ExecutableResource> AddDynamoDbLocal(this IDistributedApplicationBuilder builder, string name, int port)
    {
        var jars = DynamoDbLocal.FindJarDirectory();
        return builder.AddExecutable(name, "java", jars, [.. DynamoDbLocal.JavaArguments(jars, port)])
            // Not proxied: the services reach the server itself, so the endpoint's port is the one the server binds.
            .WithHttpEndpoint(port: port, targetPort: port, name: "http", isProxied: false)
            .WithHttpHealthCheck("/", statusCode: 400, endpointName: "http");
    }
}
