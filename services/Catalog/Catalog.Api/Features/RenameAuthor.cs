namespace Catalog.Api.Features;

public sealed record RenameAuthorBody(string? Name, long? ExpectedVersion) : IValidatable
{
    public void Validate(Validation validation) => validation.AuthorName(Name).ExpectedVersion(ExpectedVersion);
}

public sealed record RenameAuthor(string AuthorId, string Name, long ExpectedVersion) : ICommand<VersionResponse>;

/// <summary>One transaction: the author.renamed event and the author item, conditioned on the version loaded.</summary>
public sealed class RenameAuthorHandler(CommandRunner<Author> authors) : ICommandHandler<RenameAuthor, VersionResponse>
{
    public async ValueTask<VersionResponse> Handle(RenameAuthor command, CancellationToken cancellationToken) =>
        await authors.Run(command.AuthorId, state => Author.Rename(state, command.Name, command.ExpectedVersion), cancellationToken);
}

public static class RenameAuthorEndpoint
{
    public static void MapRenameAuthor(this RouteGroupBuilder authors) =>
        authors.MapPut("/{authorId}/name", async (string authorId, RenameAuthorBody body, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(
                    new RenameAuthor(Ids.Require(authorId, "Author"), body.Name!, body.ExpectedVersion!.Value), cancellationToken)))
            .WithName("RenameAuthor")
            .RequireStaff()
            .ProducesCommandProblems();
}
