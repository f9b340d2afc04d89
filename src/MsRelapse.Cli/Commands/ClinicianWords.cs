namespace MsRelapse.Cli.Commands;

/// <summary>
/// The words a clinician reads for the contract's codes, in the CLI's human output (the codes stay in <c>--json</c>).
/// The same wording as the web page (<c>wwwroot/labels.js</c>); a code added later shows as itself.
/// </summary>
internal static class ClinicianWords
{
    private static readonly Dictionary<string, string> Words = new(StringComparer.Ordinal)
    {
        // actions
        ["observe"] = "Observe — no relapse treatment now",
        ["treat-trigger"] = "Treat the trigger (fever / infection) first",
        ["oral-methylprednisolone"] = "Oral methylprednisolone",
        ["iv-methylprednisolone"] = "IV methylprednisolone",
        ["await-response"] = "Await the response to treatment",
        ["plasma-exchange"] = "Plasma exchange",
        ["immunoadsorption"] = "Immunoadsorption",
        ["escalated-iv-methylprednisolone"] = "Escalated IV methylprednisolone",
        ["ivig"] = "IV immunoglobulin (IVIG)",
        ["specialist-review"] = "Specialist review",
        ["rehabilitation"] = "Rehabilitation",
        ["symptomatic-therapy"] = "Symptomatic therapy",

        // episode status
        ["relapse"] = "Relapse",
        ["unconfirmed"] = "Unconfirmed — not yet a relapse",
        ["pseudo-relapse-suspected"] = "Pseudo-relapse suspected",
        ["not-a-relapse"] = "Not a relapse",
        ["possible-progression"] = "Possible progression (not a relapse)",
        ["no-episode"] = "No current episode",

        // severity, treatment stage, responses
        ["mild"] = "Mild",
        ["moderate"] = "Moderate",
        ["severe"] = "Severe",
        ["unknown"] = "Unknown",
        ["not-applicable"] = "Not applicable",
        ["untreated"] = "Untreated",
        ["steroids-given"] = "Steroids given",
        ["apheresis-in-progress"] = "Apheresis in progress",
        ["apheresis-completed"] = "Apheresis completed",
        ["too-early"] = "Too early to judge",
        ["responded"] = "Responded",
        ["inadequate"] = "Inadequate",

        // missing data
        ["edss-baseline"] = "Baseline EDSS (before this attack)",
        ["edss-since-onset"] = "EDSS since the onset of this attack",
        ["edss-after-steroids"] = "EDSS after the steroid course",
        ["edss-after-apheresis"] = "EDSS after apheresis",
        ["weight"] = "Body weight",
        ["height"] = "Height",
        ["sex"] = "Sex",
        ["hematocrit"] = "Hematocrit",
        ["birth-date"] = "Birth date",
        ["relapse-onset"] = "Onset date of the relapse",
        ["infection-date"] = "Date of the infection",

        // sex, route, flag severity
        ["male"] = "male",
        ["female"] = "female",
        ["other"] = "other sex",
        ["intravenous"] = "intravenous",
        ["oral"] = "oral",
        ["critical"] = "Critical",
        ["warning"] = "Warning",
        ["info"] = "Information",
    };

    /// <summary>The words for <paramref name="code"/> (a wire code), or the code itself when it has none yet.</summary>
    public static string Of(string code) => Words.TryGetValue(code, out var words) ? words : code;

}
