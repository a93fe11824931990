
[assembly: AssemblyFixture(typeof(RabbitMqFixture))]

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// One private RabbitMQ node for the whole test run. Each test class asks for its own virtual host, so classes
/// running in parallel never receive each other's messages. Tests that stop the broker start a node of their own.
/// </summary>
public sealed class RabbitMqFixture : IAsyncLifetime
{
    private RabbitMqNode? _node;

    public RabbitMqNode Node => _node ?? throw new InvalidOperationException("The RabbitMQ node is not running.");

    public async ValueTask InitializeAsync() => _node = await RabbitMqNode.StartAsync("tests");

    public async ValueTask DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }

    /// <summary>The "Messaging" settings for a fresh virtual host owned by one test class.</summary>
    public async Task<Dictionary<string, string?>> NewVirtualHostAsync(string owner) =>
        Node.Settings(await Node.AddVirtualHostAsync(owner));
}
