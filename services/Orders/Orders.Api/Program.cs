using Orders.Api;

// The generated Program stays internal, so a test project can reference Catalog.Api's public Program beside it.
await OrdersApp.Build(args).RunAsync();
