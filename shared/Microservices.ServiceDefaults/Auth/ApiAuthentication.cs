using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Microservices.ServiceDefaults.Auth;

/// <summary>The authorisation policies of the APIs, by name.</summary>
public static class ApiPolicies
{
    /// <summary>Catalog changes, shipping, finding clients and listing orders across clients.</summary>
    public const string Staff = "staff";
}

/// <summary>
/// Bearer tokens on every route of every API: validated for issuer, audience, lifetime and signature, by an identity
/// provider's metadata (<see cref="ApiAuthOptions.Authority"/>) or a development key. Every endpoint needs an
/// authenticated caller unless it allows anonymous callers (health, the OpenAPI document, the API page).
/// </summary>
public static class ApiAuthentication
{
    /// <remarks>
    /// Everything is read from options when first needed, not from the builder's configuration now: a host such as
    /// the tests' WebApplicationFactory adds its configuration after the registrations. A host with neither an
    /// authority nor a key fails at start, saying which settings to give.
    /// </remarks>
    public static WebApplicationBuilder AddApiAuthentication(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ApiAuthOptions>()
            .Bind(builder.Configuration.GetSection(ApiAuthOptions.Section))
            .Validate(auth => !string.IsNullOrEmpty(auth.Authority) || !string.IsNullOrEmpty(auth.SigningKey),
                "No way to check tokens: set Auth:Authority (and Auth:Audience) to your identity provider, or Auth:SigningKey to a development key (base64, 32 bytes).")
            .ValidateOnStart();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<ApiAuthOptions>>((jwt, options) =>
        {
            var auth = options.Value;
            // Claims keep their JWT names ("sub", "scope"), not the long URIs of the old SOAP mapping.
            jwt.MapInboundClaims = false;
            jwt.Audience = auth.Audience;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidateLifetime = true,
                ValidateIssuerSigningKey = true,
                ValidAudience = auth.Audience,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            if (!string.IsNullOrEmpty(auth.Authority))
            {
                jwt.Authority = auth.Authority;
                jwt.RequireHttpsMetadata = auth.RequireHttpsMetadata;
            }
            else if (!string.IsNullOrEmpty(auth.SigningKey))
            {
                jwt.TokenValidationParameters.ValidIssuer = ApiAuthOptions.DevelopmentIssuer;
                jwt.TokenValidationParameters.IssuerSigningKey = DevelopmentTokens.SecurityKey(auth.SigningKey);
                jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
            }
        });
        builder.Services.AddAuthorizationBuilder()
            // A valid token without a subject (a machine's token, say) names no caller to check objects against: 403.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim("sub").Build())
            .AddPolicy(ApiPolicies.Staff, policy => policy.RequireAuthenticatedUser().RequireClaim("sub").RequireAssertion(context =>
                context.Resource is HttpContext http
                && Caller.HasScope(context.User, http.RequestServices.GetRequiredService<IOptions<ApiAuthOptions>>().Value.StaffScope)));
        return builder;
    }

    /// <summary>Only staff may call the endpoint: anyone else authenticated gets a 403 (a rule about the route, not about an object).</summary>
    public static RouteHandlerBuilder RequireStaff(this RouteHandlerBuilder endpoint) =>
        endpoint.RequireAuthorization(ApiPolicies.Staff).ProducesProblem(StatusCodes.Status403Forbidden);
}
