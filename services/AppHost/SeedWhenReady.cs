using Aspire.Hosting.ApplicationModel;
using Microservices.ServiceDefaults.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AppHost;

/// <summary>
/// Once every API and worker is up, seeds a few authors, books, clients and orders through the APIs (the tables are
/// new on every run: DynamoDB Local keeps them in memory) and prints where everything listens and a token per user.
/// </summary>
public static class SeedWhenReady
{
    public static void Subscribe(IDistributedApplicationBuilder builder, SystemResources system, string signingKey)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(system);
        builder.Eventing.Subscribe<AfterResourcesCreatedEvent>((created, subscribed) =>
        {
            var notifications = created.Services.GetRequiredService<ResourceNotificationService>();
            var lifetime = created.Services.GetRequiredService<IHostApplicationLifetime>();
            // In the background: the app host goes on starting the resources this waits for.
            var dashboard = builder.Configuration["ASPNETCORE_URLS"] ?? "the address logged above";
            _ = Task.Run(() => SeedAsync(notifications, system, signingKey, dashboard, lifetime.ApplicationStopping), subscribed);
            return Task.CompletedTask;
        });
    }

    private static async Task SeedAsync(
        ResourceNotificationService notifications, SystemResources system, string signingKey, string dashboard, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var resource in new[] { system.Catalog, system.Clients, system.Orders })
            {
                await notifications.WaitForResourceHealthyAsync(resource.Resource.Name, cancellationToken);
            }

            foreach (var resource in new[] { system.Relay, system.CatalogWorker, system.OrdersWorker })
            {
                await notifications.WaitForResourceAsync(resource.Resource.Name, KnownResourceStates.Running, cancellationToken);
            }

            var catalog = Url(system.Catalog);
            var clients = Url(system.Clients);
            var orders = Url(system.Orders);
            var staffToken = DevelopmentTokens.Staff(signingKey);
            var authors = await Seed.CatalogAsync(catalog, staffToken, cancellationToken);
            var seededClients = await Seed.ClientsAsync(clients, staffToken, cancellationToken);
            await OrdersSeed.OrdersAsync(orders, staffToken, seededClients, authors, cancellationToken);

            Console.WriteLine();
            Console.WriteLine($"Seeded {authors.Count} authors and their books, {seededClients.Count} clients with their numbers and addresses, and a few orders.");
            Console.WriteLine("Tokens (12 hours; paste into a shell, or into the API page's Authentication field):");
            Console.WriteLine($"  export STAFF_TOKEN={staffToken}");
            for (var i = 0; i < seededClients.Count; i++)
            {
                var variable = Seed.ClientNames[i].Split(' ')[0].ToUpperInvariant() + "_TOKEN";
                Console.WriteLine($"  export {variable}={DevelopmentTokens.Client(signingKey, seededClients[i])}   # {Seed.ClientNames[i]}, client {seededClients[i]}");
            }

            Console.WriteLine($"Catalog API:  {catalog}  (API reference: {catalog}scalar)");
            Console.WriteLine($"  try: curl -H \"Authorization: Bearer $STAFF_TOKEN\" {catalog}authors/{authors[0]}");
            Console.WriteLine($"  try: curl -H \"Authorization: Bearer $STAFF_TOKEN\" {catalog}genres/science-fiction/books");
            Console.WriteLine($"Clients API:  {clients}  (API reference: {clients}scalar)");
            Console.WriteLine($"  try: curl -H \"Authorization: Bearer $MALIN_TOKEN\" {clients}clients/{seededClients[0]}");
            Console.WriteLine($"  try: curl -H \"Authorization: Bearer $STAFF_TOKEN\" '{clients}clients?name=Malin%20Persson'");
            Console.WriteLine($"Orders API:   {orders}  (API reference: {orders}scalar)");
            Console.WriteLine($"  try: curl -H \"Authorization: Bearer $MALIN_TOKEN\" {orders}clients/{seededClients[0]}/orders");
            Console.WriteLine($"DynamoDB Local: {system.DynamoDb.GetEndpoint("http").Url}/  (in memory; ops check --endpoint takes it)");
            Console.WriteLine($"Dashboard:    {dashboard}  (sign in with the 'Login to the dashboard at' address logged above): every resource, its logs, traces and metrics");
            Console.WriteLine("Press Ctrl+C to stop.");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped while seeding: the app host stops the resources like on any other stop.
        }
        catch (HttpRequestException exception)
        {
            await Console.Error.WriteLineAsync($"Seeding failed: {exception.Message}. The system runs without the seeded data.");
        }
    }

    private static Uri Url(IResourceBuilder<ProjectResource> api) => new(api.GetEndpoint("http").Url + "/");
}
