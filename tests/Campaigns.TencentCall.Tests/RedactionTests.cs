using Campaigns.TencentCall.Http;

namespace Campaigns.TencentCall.Tests;

public class RedactionTests
{
    [Theory]
    [InlineData("https://h/v4/x?sdkappid=1&usersig=eJwAbc*-_&random=5", "https://h/v4/x?sdkappid=1&usersig=***&random=5")]
    [InlineData("failed: POST /x?UserSig=abc", "failed: POST /x?UserSig=***")]
    [InlineData("\"usersig=abc\" and usersig=def", "\"usersig=***\" and usersig=***")]
    [InlineData("nothing here", "nothing here")]
    public void Redact_RemovesEveryUserSigValue(string input, string expected)
    {
        Assert.Equal(expected, Redaction.Redact(input));
    }
}
