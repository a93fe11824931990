
namespace Microservices.UnitTests.Schema;

public sealed class KeyTextTests
{
    /// <summary>Text made mostly of the characters that matter to keys, so collisions would actually be found.</summary>
    private static readonly Gen<string> KeyishText = Gen.String[Gen.Char["#%aZ \u0001\u00e9"], 0, 12];

    [Fact]
    public void Encoding_round_trips_any_text() =>
        Gen.OneOf(Gen.String, KeyishText).Sample(text => Assert.Equal(text, KeyText.Decode(KeyText.Encode(text))));

    [Fact]
    public void Encoded_text_never_contains_the_delimiter() =>
        Gen.OneOf(Gen.String, KeyishText).Sample(text => Assert.DoesNotContain(KeyText.Delimiter, KeyText.Encode(text)));

    [Fact]
    public void Encoded_prefixes_match_exactly_the_texts_with_that_prefix() =>
        Gen.Select(KeyishText, KeyishText).Sample((text, prefix) =>
            Assert.Equal(
                text.StartsWith(prefix, StringComparison.Ordinal),
                KeyText.Encode(text).StartsWith(KeyText.Encode(prefix), StringComparison.Ordinal)));

    [Fact]
    public void Distinct_texts_never_share_a_key() =>
        Gen.Select(KeyishText, KeyishText).Sample((left, right) =>
            Assert.Equal(left == right, Keys.Book("a", left) == Keys.Book("a", right)));

    [Fact]
    public void A_title_holding_the_delimiter_stays_inside_its_own_segment()
    {
        Assert.Equal("BOOK#Dunes%231", Keys.BookSortKey("Dunes#1"));
        Assert.Equal("BOOK#100%25%23", Keys.BookSortKey("100%#"));
    }
}
