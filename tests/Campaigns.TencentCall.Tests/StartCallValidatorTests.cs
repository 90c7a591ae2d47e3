using Campaigns.TencentCall.Models;
using Campaigns.TencentCall.Validation;

namespace Campaigns.TencentCall.Tests;

public class StartCallValidatorTests
{
    private static readonly StartCallRequest Valid = new() { RobotAccount = "robot", Callees = ["jack"], TimeoutMs = 30_000 };

    [Fact]
    public void Validate_DocumentedSample_HasNoProblems()
    {
        var sample = Valid with { TimeoutMs = 300_000, UserData = "userdata-12345687", RoomId = "roomid-1234", RoomIdType = 2 };

        Assert.Empty(StartCallValidator.Validate(sample));
    }

    [Theory]
    [InlineData(9_999, false)]
    [InlineData(10_000, true)]
    [InlineData(600_000, true)]
    [InlineData(600_001, false)]
    public void Validate_Timeout_MustBeBetween10000And600000Ms(int timeout, bool ok)
    {
        var problems = StartCallValidator.Validate(Valid with { TimeoutMs = timeout });

        Assert.Equal(ok, problems.Count == 0);
        if (!ok)
        {
            Assert.Equal("Timeout", Assert.Single(problems).Field);
        }
    }

    [Fact]
    public void Validate_UserData_CountsUtf8BytesNotCharacters()
    {
        var fits = new string('a', 1000);
        var tooLong = new string('é', 501); // 1002 bytes in 501 characters

        Assert.Empty(StartCallValidator.Validate(Valid with { UserData = fits }));
        var problem = Assert.Single(StartCallValidator.Validate(Valid with { UserData = tooLong }));
        Assert.Equal("UserData", problem.Field);
        Assert.Contains("1002", problem.Rule, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1234", true)]
    [InlineData("roomid-1234", false)]
    [InlineData("", false)]
    [InlineData("-5", false)]
    public void Validate_RoomIdType1_NeedsANumericRoomId(string roomId, bool ok)
    {
        var problems = StartCallValidator.Validate(Valid with { RoomId = roomId, RoomIdType = 1 });

        Assert.Equal(ok, problems.Count == 0);
    }

    [Fact]
    public void Validate_RoomIdType0_IsRefused_BecauseThisApiUses1And2()
    {
        var problem = Assert.Single(StartCallValidator.Validate(Valid with { RoomId = "1", RoomIdType = 0 }));

        Assert.Equal("CallInfo.RoomIdType", problem.Field);
    }

    [Fact]
    public void Validate_MediaTypeOutOfRange_IsRefused()
    {
        var problem = Assert.Single(StartCallValidator.Validate(Valid with { MediaType = (MediaType)7 }));

        Assert.Equal("CallInfo.MediaType", problem.Field);
    }

    [Fact]
    public void Validate_DuplicateCallee_IsRefusedAndNamed()
    {
        var problem = Assert.Single(StartCallValidator.Validate(Valid with { Callees = ["jack", "jill", "jack"] }));

        Assert.Equal("CalleeList_Account", problem.Field);
        Assert.Contains("jack", problem.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EverythingWrong_ListsEveryProblemAtOnce()
    {
        var bad = new StartCallRequest { RobotAccount = " ", Callees = [], TimeoutMs = 5, UserData = new string('x', 2000), RoomId = "abc", RoomIdType = 1 };

        var fields = StartCallValidator.Validate(bad).Select(p => p.Field).ToList();

        Assert.Equal(["Robot_Account", "CalleeList_Account", "Timeout", "UserData", "CallInfo.RoomId"], fields);
    }

    [Theory]
    [InlineData("a23456789012345678901234567890_-", true)] // 32 bytes of the allowed characters
    [InlineData("a234567890123456789012345678901_-", false)] // 33 bytes
    [InlineData("jack smith", false)]
    [InlineData("jack@example", false)]
    [InlineData("jäck", false)]
    public void Validate_UserIds_FollowTheVendorsRule_ForCalleesAndTheRobot(string id, bool ok)
    {
        var asCallee = StartCallValidator.Validate(Valid with { Callees = [id] });
        var asRobot = StartCallValidator.Validate(Valid with { RobotAccount = id });

        Assert.Equal(ok ? [] : ["CalleeList_Account"], asCallee.Select(p => p.Field));
        Assert.Equal(ok ? [] : ["Robot_Account"], asRobot.Select(p => p.Field));
    }

    [Fact]
    public void Validate_GroupOf8Callees_Fits_But9DoNot_BecauseTheRobotIsTheNinthPerson()
    {
        var eight = Enumerable.Range(1, 8).Select(i => "c" + i).ToList();

        Assert.Empty(StartCallValidator.Validate(Valid with { Callees = eight }));
        var problem = Assert.Single(StartCallValidator.Validate(Valid with { Callees = [.. eight, "c9"] }));
        Assert.Equal("CalleeList_Account", problem.Field);
        Assert.Contains("at most 9 people", problem.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_StringRoomId_WithType2_IsAccepted_UpTo64Bytes()
    {
        Assert.Empty(StartCallValidator.Validate(Valid with { RoomId = "attempt-0123456789abcdef", RoomIdType = 2 }));
        var problem = Assert.Single(StartCallValidator.Validate(Valid with { RoomId = new string('r', 65), RoomIdType = 2 }));
        Assert.Equal("CallInfo.RoomId", problem.Field);
    }
}
