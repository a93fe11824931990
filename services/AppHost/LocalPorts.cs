using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;

namespace AppHost;

/// <summary>
/// Where everything listens: the APIs on fixed ports (CatalogPort, ClientsPort, OrdersPort override them), DynamoDB
/// Local and the broker on ports free at start unless DynamoDbPort or RabbitMqPort name one.
/// </summary>
public sealed record LocalPorts(int Catalog, int Clients, int Orders, int DynamoDb, int RabbitMq, int RabbitMqDistribution)
{
    public const int DefaultCatalog = 5101;
    public const int DefaultClients = 5102;
    public const int DefaultOrders = 5103;

    public static LocalPorts From(IConfiguration configuration) => new(
        configuration.GetValue("CatalogPort", DefaultCatalog),
        configuration.GetValue("ClientsPort", DefaultClients),
        configuration.GetValue("OrdersPort", DefaultOrders),
        configuration.GetValue<int?>("DynamoDbPort") ?? Free(),
        configuration.GetValue<int?>("RabbitMqPort") ?? Free(),
        Free());

    private static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
