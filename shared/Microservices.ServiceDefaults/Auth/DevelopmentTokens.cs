using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Microservices.ServiceDefaults.Auth;

/// <summary>
/// Tokens for the one-command run and the tests, signed with a development key (<see cref="ApiAuthOptions.SigningKey"/>):
/// the same JWTs an identity provider issues, checked by the same validation, so nothing in the APIs knows they are
/// local. Production never holds a development key: it names an authority instead.
/// </summary>
public static class DevelopmentTokens
{
    /// <summary>The subject of the development staff user.</summary>
    public const string StaffSubject = "staff-dev";

    /// <summary>A new random signing key: 32 bytes, base64.</summary>
    public static string NewSigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// The development key in <paramref name="path"/>, created there (readable by its owner only) on first use, so a
    /// restart keeps the tokens it printed valid and no key is ever in the repository.
    /// </summary>
    public static string LoadOrCreateKey(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var key = NewSigningKey();
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, options))
        {
            writer.Write(key);
        }

        return key;
    }

    public static SymmetricSecurityKey SecurityKey(string signingKey)
    {
        var bytes = Convert.FromBase64String(signingKey ?? throw new ArgumentNullException(nameof(signingKey)));
        return bytes.Length >= 32 ? new SymmetricSecurityKey(bytes) : throw new ArgumentException("A signing key needs at least 32 bytes.", nameof(signingKey));
    }

    /// <summary>A staff user's token: every catalog change, shipping, any client's data.</summary>
    public static string Staff(string signingKey, TimeSpan? lifetime = null) => Issue(signingKey, StaffSubject, ["staff"], lifetime);

    /// <summary>A client's token: the subject is their client id.</summary>
    public static string Client(string signingKey, string clientId, TimeSpan? lifetime = null) => Issue(signingKey, clientId, ["client"], lifetime);

    public static string Issue(string signingKey, string subject, IReadOnlyList<string> scopes, TimeSpan? lifetime = null, string? audience = null, DateTime? notBefore = null)
    {
        var now = notBefore ?? DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = ApiAuthOptions.DevelopmentIssuer,
            Audience = audience ?? new ApiAuthOptions().Audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("scope", string.Join(' ', scopes))]),
            NotBefore = now,
            IssuedAt = now,
            Expires = now + (lifetime ?? TimeSpan.FromHours(12)),
            SigningCredentials = new SigningCredentials(SecurityKey(signingKey), SecurityAlgorithms.HmacSha256),
        });
    }
}
