namespace Microservices.ServiceDefaults.Auth;

/// <summary>
/// How the APIs check bearer tokens (configuration section <c>Auth</c>). In production, <see cref="Authority"/> names
/// the identity provider (its OpenID Connect metadata gives the issuer and the signing keys) and <see cref="Audience"/>
/// the API's audience. The one-command run and the tests instead give a development <see cref="SigningKey"/>,
/// generated on first start and never committed, with which <see cref="DevelopmentTokens"/> issues tokens.
/// </summary>
public sealed class ApiAuthOptions
{
    public const string Section = "Auth";

    /// <summary>The issuer of development tokens.</summary>
    public const string DevelopmentIssuer = "microservices-dev";

    /// <summary>The identity provider's URL (its <c>/.well-known/openid-configuration</c>), in production.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience tokens must be issued for.</summary>
    public string Audience { get; set; } = "microservices";

    /// <summary>A development signing key (HMAC-SHA256, base64 of at least 32 bytes); ignored when an authority is set.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The scope (or role) that makes a caller staff.</summary>
    public string StaffScope { get; set; } = "staff";

    /// <summary>Whether the authority's metadata must come over HTTPS (turn off only for a local identity provider).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}
