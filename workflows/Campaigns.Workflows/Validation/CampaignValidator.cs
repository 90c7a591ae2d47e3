using System.Text;
using System.Text.Json;
using Campaigns.TencentCall;
using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Validation;

/// <summary>The outcome of validating a campaign: the bound spec, or every problem by its JSON path.</summary>
public sealed record ValidationResult(CampaignSpec? Spec, IReadOnlyList<string> Problems)
{
    /// <summary>Whether the campaign may run.</summary>
    public bool IsValid => Problems.Count == 0 && Spec is not null;
}

/// <summary>
/// Checks a campaign before anything happens. The workflow runs it first (an invalid campaign fails at
/// once, non-retryable, nothing dialed or written) and the CLI runs the same code before submitting.
/// Pure and deterministic: safe in workflow code.
/// </summary>
public static class CampaignValidator
{
    /// <summary>Targets a campaign may carry inline; larger ones are imported into the store first.</summary>
    public const int MaxInlineTargets = 10_000;

    /// <summary>People in a group call, the robot included (the vendor's limit).</summary>
    public const int MaxGroupPeople = 9;

    /// <summary>
    /// Validates raw JSON text (the CLI's entry point). With <paramref name="now"/> (a submission: the CLI, the client),
    /// a <c>startAt</c> or <c>endBy</c> already past is a problem too; the workflow validates without a clock.
    /// </summary>
    public static ValidationResult Validate(string json, DateTimeOffset? now = null)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Validate(document.RootElement, now);
        }
        catch (JsonException e)
        {
            return new ValidationResult(null, [$"$: not valid JSON ({e.Message})"]);
        }
    }

    private static string KindOf(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Undefined => "an empty input",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => "true or false",
    };

    /// <summary>Validates a campaign's JSON (the workflow's entry point); see <see cref="Validate(string, DateTimeOffset?)"/> for <paramref name="now"/>.</summary>
    public static ValidationResult Validate(JsonElement json, DateTimeOffset? now = null)
    {
        var problems = new List<string>();
        if (json.ValueKind != JsonValueKind.Object)
        {
            return new ValidationResult(null, [$"$: a campaign is a JSON object, not {KindOf(json)}"]);
        }

        if (json.TryGetProperty(CampaignPayloadConverter.UndecodableProperty, out var undecodable) && undecodable.ValueKind == JsonValueKind.String)
        {
            return new ValidationResult(null, ["$: the input could not be read: " + undecodable.GetString()]);
        }

        var (flat, zones) = CalleeObjects.Flatten(json, problems);
        var spec = JsonBinder.Bind<CampaignSpec>(flat, problems);
        if (spec is not null)
        {
            spec = WithCalleeZones(spec, zones, problems);
            Check(spec, problems);
            CheckWhen(spec, now, problems);
        }

        return new ValidationResult(problems.Count == 0 ? spec : null, problems);
    }

    private static void Check(CampaignSpec spec, List<string> problems)
    {
        if (string.IsNullOrEmpty(spec.CampaignId))
        {
            problems.Add("$.campaignId: required");
        }
        else if (spec.CampaignId.Length > 64 || !spec.CampaignId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            problems.Add($"$.campaignId: \"{spec.CampaignId}\" must be 1-64 of letters, digits, _ - and .");
        }

        if (string.IsNullOrEmpty(spec.RobotAccount))
        {
            problems.Add("$.robotAccount: required");
        }
        else if (!UserIds.IsValid(spec.RobotAccount))
        {
            problems.Add($"$.robotAccount: \"{spec.RobotAccount}\" is not a valid user id ({UserIds.Rule})");
        }

        CheckTargets(spec, problems);

        if (spec.RingTimeoutMs is < 10_000 or > 600_000)
        {
            problems.Add($"$.ringTimeoutMs: {spec.RingTimeoutMs} is outside 10000-600000 (milliseconds)");
        }

        if (spec.UserData is { } userData && Encoding.UTF8.GetByteCount(userData) > 1000)
        {
            problems.Add($"$.userData: {Encoding.UTF8.GetByteCount(userData)} bytes, at most 1000 (UTF-8)");
        }

        CheckRoomIdTemplate(spec.RoomIdTemplate, problems);

        if (spec.OfflinePush is { PushFlag: not (0 or 1) } push)
        {
            problems.Add($"$.offlinePush.pushFlag: {push.PushFlag} must be 0 (push) or 1 (no push)");
        }

        if (spec.Rate.MaxCallsPerSecond is { } rate && rate is < 1 or > 200)
        {
            problems.Add($"$.rate.maxCallsPerSecond: {rate} must be 1-200 (the vendor allows 200 starts/s per app)");
        }

        if (spec.Rate.MaxCallsInFlight is < 1 or > 100_000)
        {
            problems.Add($"$.rate.maxCallsInFlight: {spec.Rate.MaxCallsInFlight} must be 1-100000 (live calls at once: ringing or talking)");
        }

        if (spec.Rate.Weight is < 1 or > 100)
        {
            problems.Add($"$.rate.weight: {spec.Rate.Weight} must be 1-100 (the campaign's part of the worker's share of starts beside other campaigns)");
        }

        CheckBudgets(spec, problems);
        CheckRedial(spec.Redial, problems);
        if (spec.CallingWindow is { } window)
        {
            CallingWindow.Parse(window, problems);
        }

        if (spec.ContactPolicy is { } contactPolicy)
        {
            ContactPolicyRules.Check(contactPolicy, problems);
        }
    }

    /// <summary>Requests per second the vendor allows per API per app (the most a campaign's cap may say).</summary>
    public const int VendorPerSecond = 200;

    /// <summary>Requests per second the v1 by-CallId record query allows per app.</summary>
    public const int V1RecordsByCallIdPerSecond = 20;

    private static void CheckBudgets(CampaignSpec spec, List<string> problems)
    {
        if (spec.Budgets is not { } budgets)
        {
            return;
        }

        void Range(string name, int? value, int max, string why)
        {
            if (value is { } v && (v < 1 || v > max))
            {
                problems.Add($"$.budgets.{name}: {v} must be 1-{max} ({why})");
            }
        }

        const string Vendor = "requests/s of this campaign; the vendor allows 200/s per app";
        Range("startCall", budgets.StartCall, VendorPerSecond, Vendor);
        Range("getCallInfo", budgets.GetCallInfo, VendorPerSecond, Vendor);
        Range("endCall", budgets.EndCall, VendorPerSecond, Vendor);
        if (spec.Records?.Api == ApiGeneration.V1)
        {
            Range("records", budgets.Records, V1RecordsByCallIdPerSecond, "with records.api v1: the v1 by-CallId record query allows 20 requests/s per app");
        }
        else
        {
            Range("records", budgets.Records, VendorPerSecond, Vendor);
        }

        // The same cap under two names: two different values would leave the operator guessing which holds.
        if (budgets.StartCall is { } start && spec.Rate.MaxCallsPerSecond is { } rate && start != rate)
        {
            problems.Add($"$.budgets.startCall: {start} disagrees with $.rate.maxCallsPerSecond {rate}: both cap this campaign's starts/s; give one, or the same value");
        }
    }

    /// <summary>Results a redial rule may name, and the one that needs an explicit opt-in delay.</summary>
    public static readonly IReadOnlyList<string> RedialableResults =
        [Results.NotAnswer, Results.CallBusy, Results.Interrupt, Results.Cancel, Results.NotRung, Results.RecordMissing, Results.NotPlaced, Results.Unresolved];

    private static void CheckRedial(RedialSpec redial, List<string> problems)
    {
        if (redial.MaxAttempts is < 1 or > 10)
        {
            problems.Add($"$.redial.maxAttempts: {redial.MaxAttempts} must be 1-10 (the first dial included)");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < redial.Rules.Count; i++)
        {
            var rule = redial.Rules[i];
            var path = $"$.redial.rules[{i}]";
            if (rule is null)
            {
                continue;
            }

            if (rule.Result is "NormalEnd" or "Reject" or "NotDialed")
            {
                problems.Add($"{path}.result: {rule.Result} is final and never redialed");
            }
            else if (!RedialableResults.Contains(rule.Result ?? string.Empty, StringComparer.Ordinal))
            {
                problems.Add($"{path}.result: \"{rule.Result}\" is not one of {string.Join(", ", RedialableResults)}");
            }
            else if (!seen.Add(rule.Result!))
            {
                problems.Add($"{path}.result: {rule.Result} has a rule already");
            }

            if (rule.DelaySeconds is < 1 or > 604_800)
            {
                problems.Add($"{path}.delaySeconds: {rule.DelaySeconds} must be 1-604800 (a week)");
            }
            else if (rule.Result == "Unresolved" && rule.DelaySeconds < 900)
            {
                // An unresolved start may have rung: redial only well after that call would have ended.
                problems.Add($"{path}.delaySeconds: redialing Unresolved attempts needs a delay of at least 900 s");
            }
        }

        if (redial.Rules.Count > 0 && redial.MaxAttempts == 1)
        {
            problems.Add("$.redial.maxAttempts: 1 means no redial; set 2 or more for the rules to apply");
        }
    }

    // startAt / endBy (instants with an offset, endBy after startAt, neither past at a submission), and what a
    // recurring template needs: an id that leaves room for its runs' suffix, and no instant (the schedule says when).
    private static void CheckWhen(CampaignSpec spec, DateTimeOffset? now, List<string> problems)
    {
        DateTimeOffset? Instant(string name, string? text)
        {
            if (text is null)
            {
                return null;
            }

            var at = Instants.Parse(text);
            if (at is null)
            {
                problems.Add($"$.{name}: \"{text}\" is not {Instants.Rule}");
            }
            else if (spec.Recurring)
            {
                problems.Add($"$.{name}: a recurring campaign's runs start when its schedule says; {name} would fit one run only (leave it out)");
            }
            else if (now is { } n && at <= n)
            {
                problems.Add($"$.{name}: {text} is in the past (now is {n.ToUniversalTime():yyyy-MM-dd'T'HH:mm:ss'Z'})");
            }

            return at;
        }

        var startAt = Instant("startAt", spec.StartAt);
        var endBy = Instant("endBy", spec.EndBy);
        if (startAt is { } s && endBy is { } e && e <= s)
        {
            problems.Add($"$.endBy: {spec.EndBy} must be after $.startAt {spec.StartAt}");
        }

        if (spec.Recurring && spec.CampaignId is { Length: > ScheduledCampaigns.MaxScheduleIdLength } id)
        {
            problems.Add($"$.campaignId: \"{id}\" is {id.Length} characters; a recurring campaign's id (its schedule's) is at most {ScheduledCampaigns.MaxScheduleIdLength}, so that each run's id (it adds -yyyyMMddTHHmmss) fits 64");
        }
    }

    // The zones of callee objects, with those of a calleeTimeZones map (as a stored definition carries them), each
    // checked: an IANA zone, for a callee of the campaign's callees.
    private static CampaignSpec WithCalleeZones(CampaignSpec spec, Dictionary<string, (string Zone, string Path)> given, List<string> problems)
    {
        foreach (var (callee, zone) in spec.CalleeTimeZones ?? new Dictionary<string, string>())
        {
            var path = $"$.calleeTimeZones.{callee}";
            if (NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone ?? string.Empty) is null)
            {
                problems.Add($"{path}: \"{zone}\" is not an IANA time zone (e.g. \"Asia/Shanghai\", \"Europe/Berlin\")");
            }
            else if (given.TryGetValue(callee, out var other) && other.Zone != zone)
            {
                problems.Add($"{path}: \"{zone}\" differs from {other.Path} \"{other.Zone}\"");
            }
            else
            {
                given.TryAdd(callee, (zone!, path));
            }
        }

        var callees = (spec.Callees ?? []).ToHashSet(StringComparer.Ordinal);
        foreach (var (callee, (_, path)) in given.Where(z => !callees.Contains(z.Key)))
        {
            problems.Add($"{path}: \"{callee}\" is not one of the campaign's callees (a zone is given to a callee in callees)");
        }

        return given.Count == 0 ? spec with { CalleeTimeZones = null } : spec with { CalleeTimeZones = given.ToDictionary(z => z.Key, z => z.Value.Zone, StringComparer.Ordinal) };
    }

    private static void CheckTargets(CampaignSpec spec, List<string> problems)
    {
        var callees = spec.Callees ?? [];
        var groups = spec.Groups ?? [];
        if (spec.TargetsImported)
        {
            if (callees.Count + groups.Count > 0)
            {
                problems.Add("$.targetsImported: true means the targets are in the store already; leave callees and groups out");
            }

            return;
        }

        if (callees.Count + groups.Count == 0)
        {
            problems.Add("$.callees: no targets: give callees and/or groups (or import them and set targetsImported)");
            return;
        }

        if (callees.Count + groups.Count > MaxInlineTargets)
        {
            problems.Add($"$.callees: {callees.Count + groups.Count} targets inline, at most {MaxInlineTargets}: import larger campaigns into the store");
            return;
        }

        // A callee may appear in one target only: a second target would ring the same person again.
        var firstSeen = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < callees.Count; i++)
        {
            CheckCallee(spec, callees[i], $"$.callees[{i}]", firstSeen, problems);
        }

        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g] ?? [];
            var path = $"$.groups[{g}]";
            if (group.Count < 2)
            {
                problems.Add($"{path}: a group call needs 2-{MaxGroupPeople - 1} callees; put a single callee in callees");
            }
            else if (group.Count > MaxGroupPeople - 1)
            {
                problems.Add($"{path}: {group.Count} callees, at most {MaxGroupPeople - 1} (a call holds {MaxGroupPeople} people, the robot included)");
            }

            for (var i = 0; i < group.Count; i++)
            {
                CheckCallee(spec, group[i], $"{path}[{i}]", firstSeen, problems);
            }
        }
    }

    private static void CheckCallee(CampaignSpec spec, string? callee, string path, Dictionary<string, string> firstSeen, List<string> problems)
    {
        if (callee is null)
        {
            return; // reported by the binder
        }

        if (!UserIds.IsValid(callee))
        {
            problems.Add($"{path}: \"{callee}\" is not a valid user id ({UserIds.Rule})");
        }
        else if (string.Equals(callee, spec.RobotAccount, StringComparison.Ordinal))
        {
            problems.Add($"{path}: \"{callee}\" is the robot account itself");
        }
        else if (!firstSeen.TryAdd(callee, path))
        {
            problems.Add($"{path}: \"{callee}\" is already a target at {firstSeen[callee]} (nobody is rung twice)");
        }
    }

    private static void CheckRoomIdTemplate(string template, List<string> problems)
    {
        const string Placeholder = "{attemptKey}";
        if (!template.Contains(Placeholder, StringComparison.Ordinal))
        {
            problems.Add($"$.roomIdTemplate: must contain {Placeholder} (it makes the room id unique per attempt)");
            return;
        }

        var rest = template.Replace(Placeholder, string.Empty, StringComparison.Ordinal);
        if (!rest.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            problems.Add($"$.roomIdTemplate: \"{template}\" may hold only letters, digits, _ and - around {Placeholder}");
        }

        // An attempt key is 16 characters; TRTC string room ids hold at most 64 bytes.
        if (rest.Length + 16 > 64)
        {
            problems.Add($"$.roomIdTemplate: \"{template}\" makes room ids longer than 64 characters");
        }
    }
}
