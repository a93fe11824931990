using Amazon.DynamoDBv2;
using AppHost;
using Catalog.Api;
using Catalog.Worker;
using Clients.Api;
using EventRelay;
using Microservices.EventSourcing;
using Microservices.Messaging;
using Microservices.Schema;
using Microservices.Schema.Migrations;
using Microservices.ServiceDefaults;
using Microservices.ServiceDefaults.Auth;
using Microservices.SingleTable;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orders.Api;
using Orders.Worker;

// The one-command run: DynamoDB Local (unless DynamoDb__ServiceUrl points elsewhere), the tables, the Catalog API
// and its worker (on the in-memory bus unless Messaging__Transport says otherwise), the Clients API, all in this
// process, seeded.
using var stopping = new CancellationTokenSource();
using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, signal =>
{
    signal.Cancel = true;
    stopping.Cancel();
});
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopping.Cancel();
};

var environment = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
var catalogPort = environment.GetValue("CatalogPort", CatalogService.DefaultPort);
var clientsPort = environment.GetValue("ClientsPort", ClientsService.DefaultPort);
var ordersPort = environment.GetValue("OrdersPort", OrdersService.DefaultPort);
var serviceUrl = environment["DynamoDb:ServiceUrl"];
await using var local = string.IsNullOrWhiteSpace(serviceUrl) ? await DynamoDbLocal.StartAsync(cancellationToken: stopping.Token) : null;
serviceUrl = local?.ServiceUrl.ToString() ?? serviceUrl!;

// In memory unless told otherwise: no broker to install, at the price the README spells out (nothing survives the
// process). Messaging__Transport=RabbitMq with Messaging__Host etc. runs the same worker against a broker.
var transport = environment.GetValue("Messaging:Transport", MessageTransport.InMemory);

// Tokens: a development signing key, made on the first run and kept outside the repository (Auth__SigningKey gives
// one instead); production names an identity provider (Auth__Authority) and never holds a key.
var signingKey = environment["Auth:SigningKey"] ?? DevelopmentTokens.LoadOrCreateKey(environment["Auth:KeyFile"] ?? DevelopmentKey.DefaultFile);
var staffToken = DevelopmentTokens.Staff(signingKey);

string[] settings =
[
    $"--DynamoDb:ServiceUrl={serviceUrl}",
    $"--DynamoDb:AccessKey={environment["DynamoDb:AccessKey"] ?? "local"}",
    $"--DynamoDb:SecretKey={environment["DynamoDb:SecretKey"] ?? "local"}",
    $"--Messaging:Transport={transport}",
    "--Logging:LogLevel:Default=Information",
    "--Logging:LogLevel:Microsoft.AspNetCore=Warning",
    "--Logging:LogLevel:System.Net.Http.HttpClient=Warning",
    "--Logging:LogLevel:MassTransit=Warning",
    $"--Auth:SigningKey={signingKey}",
];

var catalog = ServiceApp.Build<CatalogService>([.. settings, $"--Urls=http://127.0.0.1:{catalogPort}"]);
var clients = ServiceApp.Build<ClientsService>([.. settings, $"--Urls=http://127.0.0.1:{clientsPort}"]);
var tablesCreated = await new TableBootstrap(catalog.Services.GetRequiredService<IAmazonDynamoDB>(), catalog.Services.GetRequiredService<IOptions<DynamoDbOptions>>()).EnsureTablesAsync(stopping.Token);
if (tablesCreated)
{
    // A new table starts at the latest version of the model: every migration recorded applied before anything is written.
    var versions = await TableMigrations.StartAtLatestAsync(
        catalog.Services.GetRequiredService<IAmazonDynamoDB>(), catalog.Services.GetRequiredService<IOptions<DynamoDbOptions>>().Value, stopping.Token);
    Console.WriteLine($"New tables, at migration {versions[^1]} (ops migrate status lists them).");
}

string[] ordersSettings = [.. settings.Where(s => !s.StartsWith("--Urls=", StringComparison.Ordinal)), $"--Urls=http://127.0.0.1:{ordersPort}"];
var orders = ServiceApp.Build<OrdersService>(ordersSettings);

// The workers: the event relay that reads the stream and every service's consumers, on one bus. The in-memory
// transport only reaches consumers on its own bus, so they all share this host.
var workerBuilder = Host.CreateApplicationBuilder(settings);
workerBuilder.Services.AddDynamoDb();
workerBuilder.Services.AddMessaging(workerBuilder.Configuration, bus =>
{
    bus.AddCatalogProjections();
    bus.AddOrderProjections();
});
workerBuilder.Services.AddEventRelay();
using var worker = workerBuilder.Build();

await catalog.StartAsync(stopping.Token);
await clients.StartAsync(stopping.Token);
await worker.StartAsync(stopping.Token);
await orders.StartAsync(stopping.Token);

var catalogUrl = new Uri($"http://127.0.0.1:{catalogPort}");
var clientsUrl = new Uri($"http://127.0.0.1:{clientsPort}");
var ordersUrl = new Uri($"http://127.0.0.1:{ordersPort}");
if (tablesCreated)
{
    try
    {
        var authors = await Seed.CatalogAsync(catalogUrl, staffToken, stopping.Token);
        Console.WriteLine($"Seeded {authors.Count} authors and their books.");
        Console.WriteLine($"  try: curl -H \"Authorization: Bearer $STAFF_TOKEN\" {catalogUrl}authors/{authors[0]}");
        var seededClients = await Seed.ClientsAsync(clientsUrl, staffToken, stopping.Token);
        Console.WriteLine($"Seeded {seededClients.Count} clients, their numbers and addresses.");
        Console.WriteLine($"  try: curl -H \"Authorization: Bearer $MALIN_TOKEN\" {clientsUrl}clients/{seededClients[0]}");
        Console.WriteLine($"  try: curl -H \"Authorization: Bearer $MALIN_TOKEN\" {clientsUrl}clients/{seededClients[0]}/phones?contains=070");
        await OrdersSeed.OrdersAsync(ordersUrl, staffToken, seededClients, authors, stopping.Token);
        Console.WriteLine("Seeded a few orders.");
        Console.WriteLine($"  try: curl -H \"Authorization: Bearer $MALIN_TOKEN\" {ordersUrl}clients/{seededClients[0]}/orders");
        Console.WriteLine("Tokens (12 hours; paste into a shell, or into the API page's Authentication field):");
        Console.WriteLine($"  export STAFF_TOKEN={staffToken}");
        for (var i = 0; i < seededClients.Count; i++)
        {
            var variable = Seed.ClientNames[i].Split(' ')[0].ToUpperInvariant() + "_TOKEN";
            Console.WriteLine($"  export {variable}={DevelopmentTokens.Client(signingKey, seededClients[i])}   # {Seed.ClientNames[i]}, client {seededClients[i]}");
        }
    }
    catch (OperationCanceledException) when (stopping.IsCancellationRequested)
    {
        // Stopped while seeding: shut down below like any other stop, without a stack trace.
    }
}

Console.WriteLine($"DynamoDB:        {serviceUrl}{(local is null ? "" : " (DynamoDB Local, in memory)")}");
Console.WriteLine($"Catalog API:     {catalogUrl}  (API reference: {catalogUrl}scalar, health: {catalogUrl}health)");
Console.WriteLine($"  try: curl -H \"Authorization: Bearer $STAFF_TOKEN\" {catalogUrl}genres/science-fiction/books");
Console.WriteLine($"Clients API:     {clientsUrl}  (API reference: {clientsUrl}scalar, health: {clientsUrl}health)");
Console.WriteLine($"  try: curl -H \"Authorization: Bearer $STAFF_TOKEN\" '{clientsUrl}clients?name=Malin%20Persson'");
Console.WriteLine($"Catalog worker:  publishing the table's events over {(transport == MessageTransport.InMemory ? "the in-memory bus (nothing survives a stop)" : "RabbitMQ")}, keeping the genre copies");
Console.WriteLine($"Orders API:      {ordersUrl}  (API reference: {ordersUrl}scalar, health: {ordersUrl}health)");
Console.WriteLine($"  try: curl -H \"Authorization: Bearer $STAFF_TOKEN\" '{ordersUrl}orders?status=placed'");
Console.WriteLine("Orders worker:   keeping the orders' client copies and the order aggregates from the bus");
Console.WriteLine("Press Ctrl+C to stop.");

try
{
    await Task.Delay(Timeout.Infinite, stopping.Token);
}
catch (OperationCanceledException)
{
}

await orders.StopAsync(CancellationToken.None);
await worker.StopAsync(CancellationToken.None);
await clients.StopAsync(CancellationToken.None);
await catalog.StopAsync(CancellationToken.None);
