using System.Globalization;

namespace AppHost;

/// <summary>The system's resources and how they are wired: every setting a service gets is one its options read.</summary>
public sealed record SystemResources(
    IResourceBuilder<ExecutableResource> DynamoDb,
    LocalRabbitMq Broker,
    IResourceBuilder<ProjectResource> Tables,
    IResourceBuilder<ProjectResource> Catalog,
    IResourceBuilder<ProjectResource> Clients,
    IResourceBuilder<ProjectResource> Orders,
    IResourceBuilder<ProjectResource> Relay,
    IResourceBuilder<ProjectResource> CatalogWorker,
    IResourceBuilder<ProjectResource> OrdersWorker)
{
    public static SystemResources Add(IDistributedApplicationBuilder builder, LocalPorts ports, string signingKey)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(ports);
        var dynamo = builder.AddDynamoDbLocal("dynamodb", ports.DynamoDb);
        var broker = LocalRabbitMq.Add(builder, "rabbitmq", ports.RabbitMq, ports.RabbitMqDistribution);
        var brokerPassword = builder.AddParameter("rabbitmq-password", broker.Password, secret: true);
        var key = builder.AddParameter("signing-key", signingKey, secret: true);
        var dynamoUrl = dynamo.GetEndpoint("http");

        IResourceBuilder<ProjectResource> OnTable(IResourceBuilder<ProjectResource> project) => project
            .WithEnvironment("DynamoDb__ServiceUrl", dynamoUrl)
            .WithEnvironment("DynamoDb__AccessKey", "local")
            .WithEnvironment("DynamoDb__SecretKey", "local")
            .WithEnvironment("Logging__LogLevel__Default", "Information")
            .WithEnvironment("Logging__LogLevel__Microsoft.AspNetCore", "Warning")
            .WithEnvironment("Logging__LogLevel__System.Net.Http.HttpClient", "Warning")
            .WithEnvironment("Logging__LogLevel__MassTransit", "Warning")
            // A busy machine can make an export to the dashboard time out; retried, its spans still arrive.
            .WithEnvironment("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY", "in_memory");

        // 'ops bootstrap': the tables, at the newest migration; everything else starts once it has exited.
        var tables = OnTable(builder.AddProject<Projects.Ops>("tables").WithArgs("bootstrap")).WaitFor(dynamo);

        IResourceBuilder<ProjectResource> Service(IResourceBuilder<ProjectResource> project) => OnTable(project)
            .WithEnvironment("Messaging__Transport", "RabbitMq")
            .WithEnvironment("Messaging__Host", "127.0.0.1")
            .WithEnvironment("Messaging__Port", broker.Port.ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("Messaging__Username", broker.Username)
            .WithEnvironment("Messaging__Password", brokerPassword)
            .WithEnvironment("Auth__SigningKey", key)
            .WaitFor(broker.Resource)
            .WaitForCompletion(tables);

        IResourceBuilder<ProjectResource> Api(IResourceBuilder<ProjectResource> project, int port) => Service(project)
            .WithHttpEndpoint(port: port, targetPort: port, name: "http", isProxied: false)
            .WithHttpHealthCheck("/health", endpointName: "http")
            .WithUrlForEndpoint("http", url => url.DisplayText = "API")
            .WithUrl($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/scalar", "API reference");

        return new SystemResources(
            dynamo,
            broker,
            tables,
            Api(builder.AddProject<Projects.Catalog_Api>("catalog-api"), ports.Catalog),
            Api(builder.AddProject<Projects.Clients_Api>("clients-api"), ports.Clients),
            Api(builder.AddProject<Projects.Orders_Api>("orders-api"), ports.Orders),
            Service(builder.AddProject<Projects.EventRelay>("event-relay")),
            Service(builder.AddProject<Projects.Catalog_Worker>("catalog-worker")),
            Service(builder.AddProject<Projects.Orders_Worker>("orders-worker")));
    }
}
