using System.Data;
using System.Globalization;
using System.Text;
using Campaigns.Storage.Model;
using DbUp.Engine;

namespace Campaigns.Storage.Sql;

/// <summary>
/// Migration 0003 on SQLite: target keys become SHA-256 of the sorted, comma-joined callees (fixed size).
/// SQLite has no SHA-256 function, so the script is computed here from the stored keys, which are exactly
/// that joined text; PostgreSQL does the same in SQL (Migrations/Postgres/0003).
/// </summary>
internal sealed class SqliteTargetRekey : IScript
{
    public string ProvideScript(Func<IDbCommand> dbCommandFactory)
    {
        ArgumentNullException.ThrowIfNull(dbCommandFactory);
        var script = new StringBuilder("SELECT 1;\n");
        using var command = dbCommandFactory();
        command.CommandText = "SELECT rowid, callees FROM targets";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            // The key from the callees themselves: the old key is their sorted join, so this is the same hash.
            var callees = System.Text.Json.JsonSerializer.Deserialize<string[]>(reader.GetString(1))!;
            script.Append(CultureInfo.InvariantCulture, $"UPDATE targets SET target_key = '{Target.KeyOf(callees)}' WHERE rowid = {reader.GetInt64(0)};\n");
        }

        return script.ToString();
    }
}
