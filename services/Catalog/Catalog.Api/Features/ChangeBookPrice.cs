using Catalog.Domain;
using Mediator;
using Microservices.EventSourcing;
using Microservices.ServiceDefaults;
using Microservices.SingleTable;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Catalog.Api.Features;

public sealed record ChangeBookPriceBody(decimal? Price, long? ExpectedVersion);

public sealed record ChangeBookPrice(string AuthorId, string BookId, decimal Price, long ExpectedVersion) : ICommand<VersionResponse>;

/// <summary>One transaction: the book.price-changed event and the book item, conditioned on the version loaded.</summary>
public sealed class ChangeBookPriceHandler(EventStore store, IOptions<DynamoDbOptions> options)
    : ICommandHandler<ChangeBookPrice, VersionResponse>
{
    public async ValueTask<VersionResponse> Handle(ChangeBookPrice command, CancellationToken cancellationToken)
    {
        var state = await CatalogRoutes.LoadBookAsync(store, command.AuthorId, command.BookId, cancellationToken);
        var events = Book.ChangePrice(state, command.Price, command.ExpectedVersion);
        var changed = events.Aggregate(state, Book.Apply);
        var stream = CatalogEvents.Book(command.BookId);
        var version = await store.AppendAsync(stream, state.Version, events,
            [CanonicalWrite.Put(options.Value.TableName, CatalogItems.Book(changed), stream, state.Version)],
            cancellationToken);
        return new VersionResponse(version);
    }
}

public static class ChangeBookPriceEndpoint
{
    public static void MapChangeBookPrice(this IEndpointRouteBuilder app) =>
        app.MapPut("/authors/{authorId}/books/{bookId}/price", async Task<Results<Ok<VersionResponse>, ValidationProblem>> (
                string authorId, string bookId, ChangeBookPriceBody body, IMediator mediator, CancellationToken cancellationToken) =>
            {
                CatalogRoutes.RequireId(authorId, "Author");
                CatalogRoutes.RequireId(bookId, "Book");
                var validation = new Validation().Price(body.Price).ExpectedVersion(body.ExpectedVersion);
                if (!validation.IsValid)
                {
                    return TypedResults.ValidationProblem(validation.Errors);
                }

                return TypedResults.Ok(await mediator.Send(
                    new ChangeBookPrice(authorId, bookId, body.Price!.Value, body.ExpectedVersion!.Value), cancellationToken));
            })
            .WithName("ChangeBookPrice")
            .WithTags("Books")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
