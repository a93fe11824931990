using System.Text;

namespace Microservices.Tests.Security.Fuzz;

/// <summary>One generated request: the operation it was made from, the caller, the path with its query, and the body as bytes.</summary>
public sealed record FuzzRequest(Operation Operation, string Caller, string PathAndQuery, byte[]? Body, string? ContentType, string? IdempotencyKey)
{
    public HttpRequestMessage ToMessage(FuzzPool pool)
    {
        var message = new HttpRequestMessage(new HttpMethod(Operation.Method), PathAndQuery);
        if (FuzzCallers.Token(Caller, pool) is { } token)
        {
            message.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        }

        if (IdempotencyKey is not null)
        {
            message.Headers.TryAddWithoutValidation("Idempotency-Key", IdempotencyKey);
        }

        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        return message;
    }

    /// <summary>What CsCheck prints of the smallest failing request: enough to send it again by hand.</summary>
    public override string ToString()
    {
        var body = Body is null ? "" : Encoding.UTF8.GetString(Body);
        body = body.Length <= 400 ? body : $"{body[..400]}… ({Body!.Length} bytes)";
        return $"{Operation.Service} as {Caller}: {Operation.Method} {PathAndQuery} [{ContentType}] [{IdempotencyKey}] {body}";
    }
}
