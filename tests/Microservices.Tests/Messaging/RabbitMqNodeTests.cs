using System.Net.Sockets;

namespace Microservices.Tests.Messaging;

/// <summary>The tests' private broker nodes: a port taken between being found free and being bound does not fail a run.</summary>
public sealed class RabbitMqNodeTests
{
    [Fact]
    public async Task A_node_whose_port_was_taken_before_it_bound_it_starts_on_fresh_ports()
    {
        using var thief = new TcpListener(IPAddress.Loopback, 0);
        thief.Start();
        var taken = ((IPEndPoint)thief.LocalEndpoint).Port;

        await using var node = await RabbitMqNode.StartAsync("clash", firstPort: taken);

        Assert.NotEqual(taken, node.Port);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, node.Port, TestContext.Current.CancellationToken);
        Assert.True(client.Connected);
    }
}
