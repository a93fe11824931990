using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Serialization;

namespace Microservices.Streams.Lambda;

/// <summary>
/// The four calls of the Lambda Runtime API (version 2018-06-01) a custom runtime makes, at
/// <c>http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/</c>: the next invocation, its response, its error, and
/// the error that kept the function from starting.
/// </summary>
public sealed class LambdaRuntimeClient : IDisposable
{
    /// <summary>The environment variable through which Lambda tells a custom runtime where its Runtime API is (host:port).</summary>
    public const string ApiVariable = "AWS_LAMBDA_RUNTIME_API";

    /// <summary>The header that classifies a posted error; Lambda's own runtimes send "Unhandled".</summary>
    public const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

    private readonly HttpClient _http;

    /// <param name="api">host:port, as <see cref="ApiVariable"/> gives it.</param>
    public LambdaRuntimeClient(string api)
        : this(new HttpClient(), api)
    {
    }

    /// <param name="http">Owned by this client from now on.</param>
    public LambdaRuntimeClient(HttpClient http, string api)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentException.ThrowIfNullOrWhiteSpace(api);
        _http = http;
        _http.BaseAddress = BaseAddress(api);
        // The next invocation is a long poll: it answers when there is an invocation, however long that takes.
        _http.Timeout = Timeout.InfiniteTimeSpan;
    }

    /// <summary>The address the calls are made under, for <paramref name="api"/> as <see cref="ApiVariable"/> gives it.</summary>
    public static Uri BaseAddress(string api) => new($"http://{api.Trim().TrimEnd('/')}/2018-06-01/runtime/", UriKind.Absolute);

    /// <summary>Waits for the next invocation.</summary>
    public async Task<LambdaInvocation> NextAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("invocation/next", HttpCompletionOption.ResponseContentRead, cancellationToken);
        await EnsureAcceptedAsync(response, "invocation/next", cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return LambdaInvocation.FromHeaders(name => First(response, name), body);
    }

    /// <summary>Posts the function's answer to invocation <paramref name="requestId"/>.</summary>
    public Task RespondAsync(string requestId, StreamsEventResponse response, CancellationToken cancellationToken) =>
        PostAsync($"invocation/{Uri.EscapeDataString(requestId)}/response", LambdaJson.Serialize(response), null, cancellationToken);

    /// <summary>Posts that invocation <paramref name="requestId"/> failed; Lambda retries (or bisects) the batch as its event source mapping says.</summary>
    public Task ReportInvocationErrorAsync(string requestId, LambdaError error, CancellationToken cancellationToken) =>
        PostErrorAsync($"invocation/{Uri.EscapeDataString(requestId)}/error", error, cancellationToken);

    /// <summary>Posts that the function could not start; Lambda then ends the execution environment.</summary>
    public Task ReportInitErrorAsync(LambdaError error, CancellationToken cancellationToken) => PostErrorAsync("init/error", error, cancellationToken);

    public void Dispose() => _http.Dispose();

    private Task PostErrorAsync(string path, LambdaError error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        return PostAsync(path, LambdaJson.Serialize(error), error.ErrorType, cancellationToken);
    }

    private async Task PostAsync(string path, string json, string? errorType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")) };
        if (errorType is not null)
        {
            request.Headers.TryAddWithoutValidation(ErrorTypeHeader, errorType);
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureAcceptedAsync(response, path, cancellationToken);
    }

    private static async Task EnsureAcceptedAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"The Lambda Runtime API answered {path} with {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }
    }

    private static string? First(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

/// <summary>The error document the Runtime API takes for a failed invocation or start.</summary>
public sealed record LambdaError(
    [property: JsonPropertyName("errorMessage")] string ErrorMessage,
    [property: JsonPropertyName("errorType")] string ErrorType)
{
    [JsonPropertyName("stackTrace")]
    public IReadOnlyList<string> StackTrace { get; init; } = [];

    /// <summary>The exception's message, its type's full name as the error type, and its stack trace a line at a time.</summary>
    public static LambdaError From(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new LambdaError(exception.Message, exception.GetType().FullName ?? exception.GetType().Name)
        {
            StackTrace = [.. (exception.StackTrace ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
        };
    }
}
