using Clients.Api;

// No public Program here: the tests host this service through WebApplicationFactory<ClientsApp>, next to Catalog's Program.
await ClientsApp.Build(args).RunAsync();
