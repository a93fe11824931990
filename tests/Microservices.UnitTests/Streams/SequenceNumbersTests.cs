
namespace Microservices.UnitTests.Streams;

public sealed class SequenceNumbersTests
{
    [Theory]
    [InlineData("9", "10", -1)]
    [InlineData("100000000000000000000000000000000000001", "99999999999999999999999999999999999999", 1)]
    [InlineData("4421584500000000017450439091", "4421584500000000017450439091", 0)]
    [InlineData("000123", "123", 0)]
    public void Sequence_numbers_order_as_numbers_not_as_text(string left, string right, int expected) =>
        Assert.Equal(expected, Math.Sign(SequenceNumbers.Compare(left, right)));
}
