using System.Text;
using Amazon.Runtime;

namespace Microservices.UnitTests.Streams;

/// <summary>Vectors from AWS's published Signature Version 4 test suite.</summary>
public sealed class SigV4RequestSignerTests
{
    private const string Scope = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";
    private static readonly DateTime SuiteTime = new(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc);
    private static readonly ImmutableCredentials SuiteCredentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);

    private static SigV4Signature SignSuiteRequest(
        string method, string url, IReadOnlyDictionary<string, string>? headers = null, string body = "", ImmutableCredentials? credentials = null) =>
        SigV4RequestSigner.Sign(
            new HttpMethod(method),
            new Uri(url),
            headers ?? new Dictionary<string, string>(),
            Encoding.UTF8.GetBytes(body),
            "service",
            "us-east-1",
            SuiteTime,
            credentials ?? SuiteCredentials);

    [Fact]
    public void The_get_vanilla_vector_signs_as_aws_publishes_it()
    {
        var signature = SignSuiteRequest("GET", "https://example.amazonaws.com/");

        Assert.Equal(
            $"{Scope}, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            signature.Authorization);
        Assert.Equal("20150830T123600Z", signature.AmzDate);
        Assert.Null(signature.SecurityToken);
    }

    [Fact]
    public void The_post_vanilla_vector_signs_as_aws_publishes_it()
    {
        var signature = SignSuiteRequest("POST", "https://example.amazonaws.com/");

        Assert.Equal(
            $"{Scope}, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
            signature.Authorization);
    }

    [Fact]
    public void The_query_order_vector_sorts_the_query_before_signing()
    {
        var signature = SignSuiteRequest("GET", "https://example.amazonaws.com/?Param2=value2&Param1=value1");

        Assert.Equal(
            $"{Scope}, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
            signature.Authorization);
    }

    [Fact]
    public void The_form_post_vector_signs_its_body_and_content_type()
    {
        var signature = SignSuiteRequest(
            "POST",
            "https://example.amazonaws.com/",
            new Dictionary<string, string> { ["Content-Type"] = "application/x-www-form-urlencoded" },
            "Param1=value1");

        Assert.Equal(
            $"{Scope}, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
            signature.Authorization);
    }

    [Fact]
    public void A_session_token_is_signed_and_returned_for_its_header()
    {
        var temporary = new ImmutableCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token");

        var signature = SignSuiteRequest("GET", "https://example.amazonaws.com/", credentials: temporary);

        Assert.Equal("session-token", signature.SecurityToken);
        Assert.Contains("SignedHeaders=host;x-amz-date;x-amz-security-token,", signature.Authorization, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_default_port_is_part_of_the_signed_host()
    {
        var onDefaultPort = SignSuiteRequest("POST", "http://localhost/");
        var onOtherPort = SignSuiteRequest("POST", "http://localhost:8000/");

        Assert.NotEqual(onDefaultPort.Authorization, onOtherPort.Authorization);
    }
}
