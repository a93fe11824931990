using Catalog.Api;

await ServiceApp.Build<CatalogService>(args).RunAsync();

/// <summary>
/// Internal, as in every API: the tests host each service through <c>WebApplicationFactory&lt;TService&gt;</c> of its
/// <see cref="IServiceModule"/>, so the three entry points never share a public name.
/// </summary>
internal sealed partial class Program;
