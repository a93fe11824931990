
namespace Microservices.UnitTests.Schema;

/// <summary>Key templates: user text in any part round-trips and can neither widen a prefix query nor forge another key.</summary>
public sealed class KeyTemplateTests
{
    private static readonly Gen<string> Text = Gen.OneOf(Gen.String, Gen.String[Gen.Char["#%aZ \u0001\u00e9"], 0, 12]);

    [Fact]
    public void A_template_lists_its_parts_and_the_literal_before_them()
    {
        var template = new KeyTemplate("ORDER#{orderId}#LINE#{lineNo}");

        Assert.Equal(["orderId", "lineNo"], template.Parts);
        Assert.Equal("ORDER#", template.Prefix);
        Assert.Equal("ORDER#0193#LINE#001", template.Build("0193", "001"));
        Assert.Equal("ORDER#0193#LINE#", template.StartingWith("0193", ""));
    }

    [Fact]
    public void Each_part_decodes_back_to_the_text_that_went_in()
    {
        var template = new KeyTemplate("BOOK#{title}");
        Text.Sample(title => Assert.Equal(title, KeyText.Decode(template.Build(title)[template.Prefix.Length..])));
    }

    [Fact]
    public void Two_keys_of_one_template_are_equal_only_when_their_parts_are()
    {
        var template = new KeyTemplate("AUTHOR#{name}#{authorId}");
        Gen.Select(Text, Text, Text, Text).Sample((name1, id1, name2, id2) =>
            Assert.Equal(name1 == name2 && id1 == id2, template.Build(name1, id1) == template.Build(name2, id2)));
    }

    [Fact]
    public void A_prefix_query_on_a_leading_part_matches_only_keys_whose_part_starts_with_that_text()
    {
        var template = new KeyTemplate("BOOK#{title}");
        Gen.Select(Text, Text).Sample((title, prefix) =>
            Assert.Equal(
                title.StartsWith(prefix, StringComparison.Ordinal),
                template.Build(title).StartsWith(template.StartingWith(prefix), StringComparison.Ordinal)));
    }

    [Fact]
    public void Building_with_the_wrong_number_of_parts_is_refused()
    {
        var template = new KeyTemplate("CLIENT#{clientId}");

        Assert.Throws<ArgumentException>(() => template.Build());
        Assert.Throws<ArgumentException>(() => template.Build("a", "b"));
        Assert.Throws<ArgumentException>(() => template.StartingWith("a", "b"));
    }
}
