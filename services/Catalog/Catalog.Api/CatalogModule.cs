using Catalog.Api.Features;
using Catalog.Domain;

namespace Catalog.Api;

public static class CatalogModule
{
    public const int DefaultPort = 5101;

    public static WebApplicationBuilder AddCatalog(this WebApplicationBuilder builder)
    {
        builder.WebHost.UseUrls(builder.Configuration["Urls"] ?? $"http://127.0.0.1:{DefaultPort}");
        builder.Services.AddSingleton(CatalogEvents.Types);
        builder.Services.AddSingleton<IdempotentCreates>();
        builder.Services.AddMediator(options =>
        {
            // Each service generates its own mediator, so the one-process host can load several side by side.
            options.Namespace = "Catalog.Api.Mediator";
            options.Assemblies = [typeof(CatalogModule)];
        });
        return builder;
    }

    public static WebApplication MapCatalog(this WebApplication app)
    {
        app.MapRegisterAuthor();
        app.MapRenameAuthor();
        app.MapAddBook();
        app.MapGetAuthor();
        app.MapListAuthorBooks();
        app.MapGetBookByTitle();
        app.MapListGenreBooks();
        app.MapListAuthors();
        app.MapChangeBookPrice();
        app.MapChangeBookGenre();
        app.MapRetitleBook();
        app.MapDeleteBook();
        app.MapDeleteAuthor();
        return app;
    }
}
