using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Campaigns.TencentCall.UserSig;

namespace Campaigns.TencentCall.Tests;

public class UserSigTests
{
    private const long App = 1400000001;
    private const string Admin = "administrator";
    private const string Key = "test-key";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1700000000);

    [Fact]
    public void Generate_ThenVerify_IsValid()
    {
        var sig = TlsSigV2.Generate(App, Admin, Key, TimeSpan.FromDays(1), Now);

        var check = TlsSigV2.Verify(sig, App, Admin, Key, Now.AddHours(23));

        Assert.Equal(UserSigStatus.Valid, check.Status);
        Assert.Equal(Now.AddDays(1), check.Decoded!.ExpiresAt);
    }

    [Fact]
    public void Generate_KnownInputs_SignatureMatchesReferenceHmac()
    {
        // Reference value computed outside .NET (Python hmac) over the documented content string.
        var decoded = TlsSigV2.Decode(TlsSigV2.Generate(App, Admin, Key, TimeSpan.FromSeconds(86400), Now))!;

        Assert.Equal("wwwBoCOYMTEKVybsVx7sMmgZVZsVbsj+2JcigehxIag=", decoded.Signature);
        Assert.Equal("2.0", decoded.Version);
        Assert.Equal(86400, decoded.ExpireSeconds);
        Assert.Equal(1700000000, decoded.Time);
    }

    [Fact]
    public void Verify_SigMadeByOtherImplementationAtOtherCompressionLevel_IsValid()
    {
        // Made by a Python port of the official algorithm (zlib default level, compact JSON), valid 30 years.
        const string python = "eJwtzcEKgzAQBNB-2WuLJFWMCj14FOpBIpYe0yaVRUxCEkQo-fdazd7mzcB*oL-xZFEOKrgkBM57Rql0wDfuLOSMGn1wIhgXB15OwlqUUNGMHEePRq0WnYKqzHJS-P3ggPOGlMVxVI-j9qCtDW9Pc-3o2UipWQrWpU7TZ157di8nfLGQDpysQ9Nd4fsDW3Qz9g__";

        Assert.Equal(UserSigStatus.Valid, TlsSigV2.Verify(python, App, Admin, Key, Now).Status);
        Assert.NotEqual(python, TlsSigV2.Generate(App, Admin, Key, TimeSpan.FromDays(365 * 30), Now));
    }

    [Fact]
    public void Generate_Encoding_UsesUrlSafeAlphabet()
    {
        for (var i = 0; i < 50; i++)
        {
            var sig = TlsSigV2.Generate(App, Admin + i, Key, TimeSpan.FromDays(1), Now.AddSeconds(i));
            Assert.DoesNotContain('+', sig);
            Assert.DoesNotContain('/', sig);
            Assert.DoesNotContain('=', sig);
        }
    }

    [Fact]
    public void Verify_WrongKey_IsBadSignature()
    {
        var sig = TlsSigV2.Generate(App, Admin, "another-key", TimeSpan.FromDays(1), Now);

        Assert.Equal(UserSigStatus.BadSignature, TlsSigV2.Verify(sig, App, Admin, Key, Now).Status);
    }

    [Fact]
    public void Verify_AfterTimePlusExpire_IsExpired()
    {
        var sig = TlsSigV2.Generate(App, Admin, Key, TimeSpan.FromMinutes(5), Now);

        Assert.Equal(UserSigStatus.Valid, TlsSigV2.Verify(sig, App, Admin, Key, Now.AddMinutes(5)).Status);
        Assert.Equal(UserSigStatus.Expired, TlsSigV2.Verify(sig, App, Admin, Key, Now.AddMinutes(5).AddSeconds(1)).Status);
    }

    [Fact]
    public void Verify_OtherIdentifier_IsIdentifierMismatch()
    {
        var sig = TlsSigV2.Generate(App, "robot", Key, TimeSpan.FromDays(1), Now);

        Assert.Equal(UserSigStatus.IdentifierMismatch, TlsSigV2.Verify(sig, App, Admin, Key, Now).Status);
    }

    [Fact]
    public void Verify_OtherSdkAppId_IsSdkAppIdMismatch()
    {
        var sig = TlsSigV2.Generate(1400000002, Admin, Key, TimeSpan.FromDays(1), Now);

        Assert.Equal(UserSigStatus.SdkAppIdMismatch, TlsSigV2.Verify(sig, App, Admin, Key, Now).Status);
    }

    [Fact]
    public void Verify_PayloadTamperedToLiveLonger_IsBadSignature()
    {
        var sig = TlsSigV2.Generate(App, Admin, Key, TimeSpan.FromMinutes(5), Now);
        var tampered = Reencode(sig, json => json["TLS.expire"] = 10 * 365 * 86400);

        var check = TlsSigV2.Verify(tampered, App, Admin, Key, Now.AddDays(1));

        Assert.Equal(UserSigStatus.BadSignature, check.Status);
    }

    [Fact]
    public void Verify_NumbersWrittenAsStrings_AreAccepted()
    {
        var sig = TlsSigV2.Generate(App, Admin, Key, TimeSpan.FromDays(1), Now);
        var stringly = Reencode(sig, json =>
        {
            json["TLS.sdkappid"] = App.ToString(System.Globalization.CultureInfo.InvariantCulture);
            json["TLS.time"] = "1700000000";
        });

        Assert.Equal(UserSigStatus.Valid, TlsSigV2.Verify(stringly, App, Admin, Key, Now).Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-usersig")]
    [InlineData("eJwrSS0uAQAEXQHB")] // valid zlib of "test", not JSON
    public void Verify_Garbage_IsMalformed(string garbage)
    {
        Assert.Equal(UserSigStatus.Malformed, TlsSigV2.Verify(garbage, App, Admin, Key, Now).Status);
    }

    private static string Reencode(string sig, Action<JsonObject> change)
    {
        var bytes = Convert.FromBase64String(sig.Replace('*', '+').Replace('-', '/').Replace('_', '='));
        using var inflate = new ZLibStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        inflate.CopyTo(plain);
        var json = JsonNode.Parse(plain.ToArray())!.AsObject();
        change(json);
        using var packed = new MemoryStream();
        using (var deflate = new ZLibStream(packed, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(Encoding.UTF8.GetBytes(json.ToJsonString()));
        }

        return Convert.ToBase64String(packed.ToArray()).Replace('+', '*').Replace('/', '-').Replace('=', '_');
    }
}
