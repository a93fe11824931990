using System.Net.Http.Headers;
using Microservices.ServiceDefaults.Auth;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// The test run's development signing key (new each run, never written anywhere) and tokens signed with it: every
/// service the tests start is configured with the key (<see cref="Settings.Of"/>), and every client of one sends a
/// staff token unless a test gives it another.
/// </summary>
public static class TestTokens
{
    public static string SigningKey { get; } = DevelopmentTokens.NewSigningKey();

    public static string Staff { get; } = DevelopmentTokens.Staff(SigningKey);

    public static string Client(string clientId) => DevelopmentTokens.Client(SigningKey, clientId);

    /// <summary>The same HTTP client, sending <paramref name="token"/> (or nothing, for null) from now on.</summary>
    public static HttpClient As(this HttpClient http, string? token)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.DefaultRequestHeaders.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
