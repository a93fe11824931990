using Catalog.Api;

await CatalogApp.Build(args).RunAsync();

/// <summary>Entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
