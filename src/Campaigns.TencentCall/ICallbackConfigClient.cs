using Campaigns.TencentCall.Models;

namespace Campaigns.TencentCall;

/// <summary>
/// The app's call-callback configuration (v4 <c>call_config/set_callback</c>, <c>get_callback</c>, <c>delete_callback</c>):
/// one configuration per app, each set replacing the last. Failures throw <see cref="Errors.TencentCallException"/>.
/// </summary>
public interface ICallbackConfigClient
{
    /// <summary>Makes the vendor POST <paramref name="commands"/> (null: all three) to <paramref name="url"/> (http or https).</summary>
    Task SetCallbackAsync(Uri url, IReadOnlyCollection<string>? commands = null, CancellationToken cancellationToken = default);

    /// <summary>The configuration, or null when none is set.</summary>
    Task<CallbackConfig?> GetCallbackAsync(CancellationToken cancellationToken = default);

    /// <summary>Stops the callbacks; deleting a configuration that is not there is not an error.</summary>
    Task DeleteCallbackAsync(CancellationToken cancellationToken = default);
}
