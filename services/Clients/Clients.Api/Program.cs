using Clients.Api;

await ClientsApp.Build(args).RunAsync();

/// <summary>
/// Internal, unlike the public Program .NET generates by default: the tests reference Catalog's Program and host this
/// service through <c>WebApplicationFactory&lt;ClientsApp&gt;</c>, so the two entry points must not share a public name.
/// </summary>
internal sealed partial class Program;
