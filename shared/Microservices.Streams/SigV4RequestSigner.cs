using System.Globalization;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;

namespace Microservices.Streams;

/// <summary>The headers a signed request must carry besides the ones that were signed.</summary>
/// <param name="Authorization">The full Authorization header value.</param>
/// <param name="AmzDate">The x-amz-date header value, which is part of the signature.</param>
/// <param name="SecurityToken">The x-amz-security-token header value, when the credentials are temporary.</param>
public sealed record SigV4Signature(string Authorization, string AmzDate, string? SecurityToken);

/// <summary>
/// AWS Signature Version 4 for any request, on top of AWSSDK.Core's own canonicalisation and signing so the bytes
/// are the ones the SDK's clients produce. General (not tied to the Streams client) so that AWS's published test
/// vectors can check it.
/// </summary>
public static class SigV4RequestSigner
{
    /// <param name="headers">
    /// Headers to sign, besides host and x-amz-date which are added here. Each must reach the wire with exactly this
    /// value, so leave out ones a proxy may rewrite.
    /// </param>
    public static SigV4Signature Sign(
        HttpMethod method,
        Uri uri,
        IReadOnlyDictionary<string, string> headers,
        ReadOnlySpan<byte> body,
        string service,
        string region,
        DateTime signedAt,
        ImmutableCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(credentials);

        var utc = signedAt.Kind == DateTimeKind.Unspecified
            ? DateTime.SpecifyKind(signedAt, DateTimeKind.Utc)
            : signedAt.ToUniversalTime();
        var amzDate = utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var signed = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase)
        {
            ["x-amz-date"] = amzDate,
        };
        signed.TryAdd("host", uri.Authority);
        var securityToken = credentials.UseToken ? credentials.Token : null;
        if (securityToken is not null)
        {
            signed["x-amz-security-token"] = securityToken;
        }

        var authorization = Sdk.Authorization(
            method.Method, uri, signed, Convert.ToHexStringLower(AWS4Signer.ComputeHash(body.ToArray())),
            service, region, utc, credentials);
        return new SigV4Signature(authorization, amzDate, securityToken);
    }

    /// <summary>
    /// AWS4Signer keeps its canonicalisation helpers protected internal; deriving is the supported way to reach
    /// them. Abstract because it is never instantiated.
    /// </summary>
    private abstract class Sdk : AWS4Signer
    {
        public static string Authorization(
            string method,
            Uri uri,
            IDictionary<string, string> headers,
            string bodyHash,
            string service,
            string region,
            DateTime signedAt,
            ImmutableCredentials credentials)
        {
            var sorted = SortAndPruneHeaders(headers);
            var canonicalRequest = CanonicalizeRequest(
                new Uri(uri.GetLeftPart(UriPartial.Authority)),
                uri.AbsolutePath,
                method,
                sorted,
                CanonicalizeQueryParameters(uri.Query.TrimStart('?')),
                bodyHash);
            return ComputeSignature(credentials, region, signedAt, service, CanonicalizeHeaderNames(sorted), canonicalRequest)
                .ForAuthorizationHeader;
        }
    }
}
