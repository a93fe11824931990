using System.Net.Sockets;
using Microservices.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AppHost;

/// <summary>
/// A RabbitMQ node of the machine's Debian <c>rabbitmq-server</c> (<see cref="LocalRabbitMqNode"/>), run as an
/// executable resource in a directory of its own under the system's temporary folder, fresh for every run.
/// </summary>
public sealed record LocalRabbitMq(IResourceBuilder<ExecutableResource> Resource, int Port, string Username, string Password)
{
    public static LocalRabbitMq Add(IDistributedApplicationBuilder builder, string name, int port, int distributionPort)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var node = new LocalRabbitMqNode(Path.Combine(Path.GetTempPath(), $"microservices-{name}-{port}"), $"{name}-{port}@localhost", port, distributionPort);
        node.Prepare();

        var healthCheck = $"{name}-accepts-connections";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheck, async cancellationToken =>
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (SocketException exception)
            {
                return HealthCheckResult.Unhealthy($"nothing accepts connections on port {port} yet", exception);
            }
        });

        var resource = builder.AddExecutable(name, "rabbitmq-server", node.Directory);
        foreach (var (key, value) in node.Environment)
        {
            resource.WithEnvironment(key, value);
        }

        resource
            // The node's log on standard output, so the dashboard shows it with the resource.
            .WithEnvironment("RABBITMQ_LOGS", "-")
            .WithEndpoint(port: port, targetPort: port, scheme: "amqp", name: "amqp", isProxied: false)
            .WithHealthCheck(healthCheck);
        return new LocalRabbitMq(resource, port, LocalRabbitMqNode.Username, node.Password);
    }
}
