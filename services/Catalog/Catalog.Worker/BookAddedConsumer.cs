using Catalog.Domain;
using MassTransit;
using Microservices.Contracts.Catalog;

namespace Catalog.Worker;

/// <summary>
/// Writes the new book's genre copy from the book as the message carries it, at the message's version, with the
/// author read now. A late or repeated message is refused by the copy's version guard, and the copy is then rebuilt
/// from the current book, so nothing older than what is stored is written. A v1 consumer: books added since prices
/// carry a currency come as <see cref="BookAddedV2"/>, which is a v1 message too, and a genre copy has no currency.
/// </summary>
public sealed class BookAddedConsumer(GenreCopyWriter writer) : IConsumer<BookAddedV1>
{
    public Task Consume(ConsumeContext<BookAddedV1> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var added = context.Message;
        return writer.WriteBookAsync(
            new Book(added.BookId, added.AuthorId, added.Title, added.Genre, added.Price, Currency: "", added.StreamVersion), context.CancellationToken);
    }
}
