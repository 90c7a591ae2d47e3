using Campaigns.Activities.Budget;
using Campaigns.TencentCall;
using Campaigns.Workflows.Contract;
using Temporalio.Activities;

namespace Campaigns.Activities.Caps;

/// <summary>
/// One campaign's own caps per API (requests per second; null: none, the worker's shared budget alone) and
/// the records generation its calls are read from (null: the worker's <c>TencentCall:RecordsApi</c>).
/// </summary>
public sealed record CampaignBudget(string CampaignId)
{
    /// <summary><c>start_call_by_robot</c> per second.</summary>
    public int? StartCall { get; init; }

    /// <summary><c>get_call_info</c> per second.</summary>
    public int? CallInfo { get; init; }

    /// <summary><c>end_call</c> per second.</summary>
    public int? EndCall { get; init; }

    /// <summary>Record requests per second.</summary>
    public int? Records { get; init; }

    /// <summary>
    /// When the workflow issued these caps: the time its batch was scheduled (null: not in a batch). A campaign's
    /// gates follow the newest caps (<c>setRate</c>), older batches included (<see cref="CampaignGates"/>).
    /// </summary>
    public DateTimeOffset? Issued { get; init; }

    /// <summary>The records generation of the campaign (null: the worker's default).</summary>
    public ApiGeneration? RecordsApi { get; init; }

    /// <summary>The campaign's cap on <paramref name="api"/>, if any.</summary>
    public int? CapOf(BudgetedApi api) => api switch
    {
        BudgetedApi.StartCall => StartCall,
        BudgetedApi.CallInfo => CallInfo,
        BudgetedApi.EndCall => EndCall,
        _ => Records,
    };

    /// <summary>
    /// The caps of a campaign as its batch carries them. The start cap is <c>rate.maxCallsPerSecond</c> only:
    /// the workflow folds <c>budgets.startCall</c> into it at the start, and a <c>setRate</c> update replaces it.
    /// </summary>
    public static CampaignBudget Of(string campaignId, CampaignSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new CampaignBudget(campaignId)
        {
            Issued = IssuedNow(),
            StartCall = spec.Rate.MaxCallsPerSecond,
            CallInfo = spec.Budgets?.GetCallInfo,
            EndCall = spec.Budgets?.EndCall,
            Records = spec.Budgets?.Records,
            RecordsApi = spec.Records?.Api,
        };
    }

    // A batch's caps come with its input, which the workflow wrote when it scheduled the batch: a batch
    // scheduled later carries a setRate made earlier. Retries keep the first scheduling time (and the input).
    private static DateTimeOffset? IssuedNow() =>
        ActivityExecutionContext.HasCurrent
            ? new DateTimeOffset(DateTime.SpecifyKind(ActivityExecutionContext.Current.Info.ScheduledTime, DateTimeKind.Utc))
            : null;
}
