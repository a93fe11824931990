using Catalog.Api.Features;

namespace Catalog.Api;

/// <summary>The Catalog service: authors and their books, and books by genre.</summary>
public sealed class CatalogService : IServiceModule
{
    public static string Name => "catalog";

    public static int DefaultPort => 5101;

    public static void Add(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(CatalogEvents.Types);
        builder.Services.AddCommandRunner(CatalogAggregates.Authors).AddCommandRunner(CatalogAggregates.Books);
        builder.Services.AddMediator(options =>
        {
            // Each service generates its own mediator, so the one-process host can load several side by side.
            options.Namespace = "Catalog.Api.Mediator";
            options.Assemblies = [typeof(CatalogService)];
            options.PipelineBehaviors =
                [typeof(CommandTelemetryBehavior<,>), typeof(ValidationBehavior<,>), typeof(IdempotencyBehavior<,>)];
        });
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        var authors = app.MapResource("/authors", "Authors");
        authors.MapRegisterAuthor();
        authors.MapGetAuthor();
        authors.MapListAuthors();
        authors.MapRenameAuthor();
        authors.MapDeleteAuthor();

        var books = app.MapResource("/authors/{authorId}/books", "Books");
        books.MapAddBook();
        books.MapListAuthorBooks();
        books.MapGetBookByTitle();
        books.MapChangeBookPrice();
        books.MapChangeBookGenre();
        books.MapRetitleBook();
        books.MapDeleteBook();

        app.MapResource("/genres", "Books").MapListGenreBooks();
    }
}
