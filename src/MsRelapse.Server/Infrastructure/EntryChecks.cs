using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// What a write stores must be data the engine accepts. The reader's checks alone let a
/// weight of 4,000 kg, a hematocrit of 500 % or an EDSS of 11 be stored; the engine then refused the whole record
/// (R0), and the patient fell out of the worklist with nothing on the page to remove the entry. So an addition is
/// refused (422, nothing stored) when, evaluated today, the record it makes has an R0 error the record before it did
/// not have, or when it dates an observation, an assessment, a condition or an apheresis session after today: a
/// measurement cannot have been taken tomorrow (the page refuses both too; this is the guard for every other client).
/// A whole record (PUT) is held to the same: every resource in it is new input.
/// </summary>
/// <remarks>
/// Orders (MedicationRequest) may be dated ahead: they are plans. An error the stored record already had does not block
/// a write that adds none (the way to fix it is to correct that entry). Values R0 does not judge as of today (a weight
/// of years ago) are judged on the day a rule reads them, as the engine does.
/// </remarks>
public static class EntryChecks
{
    /// <summary>The code of an entry dated after today.</summary>
    public const string FutureDate = "date-in-future";

    /// <summary>
    /// A day of slack for a client whose local date is ahead of the server's (time zones east of it): an entry dated
    /// today in Auckland is dated tomorrow on a server in Europe.
    /// </summary>
    private const int ClockSlackDays = 1;

    /// <summary>
    /// The problem to answer, or null when the addition may be stored.
    /// </summary>
    /// <param name="before">The record as stored (null when it cannot be read: then every R0 error of the new record counts).</param>
    /// <param name="after">The record with the resources added.</param>
    /// <param name="added">The labels (<c>Type/id</c>) of the resources the request added or replaced; null when it sent the whole record.</param>
    /// <param name="today">The server's date.</param>
    public static ProblemHttpResult? Check(PatientRecord? before, PatientRecord after, IReadOnlySet<string>? added, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(after);
        var errors = FutureDated(after, added, today.AddDays(ClockSlackDays)).ToList();

        var existing = before is null ? [] : PathwayEngine.Evaluate(before, today).Errors;
        errors.AddRange(PathwayEngine.Evaluate(after, today).Errors.Where(e => !existing.Contains(e)));
        if (errors.Count == 0)
        {
            return null;
        }

        return Problems.Create(StatusCodes.Status422UnprocessableEntity, ProblemCodes.ValidationFailed,
            "The resources would put errors in the record: nothing was stored.",
            $"{errors.Count} error(s): the record could no longer be evaluated, or a value is dated after today",
            errors.Select(ProblemError.From));
    }

    /// <summary>The facts read from the added resources that are dated after <paramref name="latest"/>.</summary>
    private static IEnumerable<InputError> FutureDated(PatientRecord record, IReadOnlySet<string>? added, DateOnly latest)
    {
        IEnumerable<(ClinicalTime? When, SourceRef Source, string What)> dated =
        [
            .. record.Relapses.Select(r => (r.Onset, r.Source, "A relapse's onset")),
            .. record.EdssAssessments.Select(a => ((ClinicalTime?)a.When, a.Source, "An EDSS assessment")),
            .. record.Measurements.Select(m => ((ClinicalTime?)m.When, m.Source, "A measurement")),
            .. record.Findings.Select(f => ((ClinicalTime?)f.When, f.Source, "A result")),
            .. record.Conditions.Select(c => (c.Onset, c.Source, "A condition's onset")),
            .. record.ApheresisSessions.Select(s => ((ClinicalTime?)s.When, s.Source, "An apheresis session")),
        ];

        foreach (var (when, source, what) in dated)
        {
            if (when is { } w && w.Date > latest && (added is null || added.Contains(source.Resource)))
            {
                yield return new InputError(FutureDate, $"{what} is dated {w}, after today: record what has happened, when it happened.", source);
            }
        }
    }
}
