using System.Globalization;
using System.Text;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Server.CdsHooks;

/// <summary>The words of the cards: actions, urgency, episode, numbers, and GitHub-flavoured Markdown without HTML.</summary>
internal static class CardText
{
    /// <summary>CDS Hooks: summary "&lt; 140 characters".</summary>
    public const int MaxSummaryLength = 139;

    public static string Number(double value) =>
        value.ToString(Math.Abs(value - Math.Round(value)) < 1e-9 ? "#,0" : "#,0.#", CultureInfo.InvariantCulture);

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string UrgencyWord(Urgency urgency) => urgency switch
    {
        Urgency.Emergency => "Emergency",
        Urgency.Urgent => "Urgent",
        Urgency.Soon => "Soon",
        _ => "Routine",
    };

    /// <summary>
    /// The episode in words. An attack flagged as a possible NMOSD or MOGAD is not called an MS relapse: clinical.md R3
    /// treats it as that disorder's attack ("treat attacks as NMOSD"), and the card must not say otherwise.
    /// </summary>
    public static string Episode(Recommendation r) => r.Episode.Status switch
    {
        EpisodeStatus.Relapse when r.Flags.Any(f => f.Code is FlagCode.PossibleNmosd or FlagCode.PossibleMogad) =>
            $"{Graded(r)}attack, " + (r.Flags.Any(f => f.Code == FlagCode.PossibleNmosd) ? "possible NMOSD" : "possible MOGAD"),
        EpisodeStatus.Relapse => $"{Graded(r)}MS relapse",
        EpisodeStatus.Unconfirmed => "possible MS relapse (unconfirmed)",
        EpisodeStatus.PseudoRelapseSuspected => "suspected pseudo-relapse",
        EpisodeStatus.NotARelapse => "not a relapse",
        EpisodeStatus.PossibleProgression => "possible progression",
        _ => "no episode",
    };

    /// <summary>"mild ", "moderate " or "severe " for a graded attack; nothing for one of unknown severity.</summary>
    private static string Graded(Recommendation r) =>
        r.Episode.Severity is AttackSeverity.Mild or AttackSeverity.Moderate or AttackSeverity.Severe ? WireNames.Of(r.Episode.Severity) + " " : "";

    /// <summary>What the step is, with the plan's numbers where the plan has them.</summary>
    public static string Step(ActionCode action, Recommendation r)
    {
        var plan = r.Plan;
        switch (action)
        {
            case ActionCode.OralMethylprednisolone or ActionCode.IvMethylprednisolone or ActionCode.EscalatedIvMethylprednisolone
                when plan.Steroids is { } s && s.Action == action:
                var route = s.Route == PlannedRoute.Intravenous ? "IV" : "oral";
                var dose = s.DoseMgPerDay is { } mg ? $"{Number(mg)} mg/day" : s.DoseMgPerKgPerDay is { } perKg ? $"{Number(perKg)} mg/kg/day" : "dose by weight";
                var what = action == ActionCode.EscalatedIvMethylprednisolone ? "escalated IV methylprednisolone" : $"{route} {s.Drug}";
                return $"{what} {dose} × {s.Days} days";
            case ActionCode.PlasmaExchange when plan.PlasmaExchange is { } tpe:
                var left = tpe.Schedule.Where(x => !x.Done).ToList();
                var volume = tpe.ExchangeVolumeMl is { } v ? $" of {Number(v)} mL" : "";
                return left.Count == 0
                    ? $"plasma exchange ({tpe.Exchanges} exchanges{volume})"
                    : $"plasma exchange: {Count(left.Count, "exchange")}{volume} every other day from {Date(left[0].Date)}";
            case ActionCode.Immunoadsorption when plan.Immunoadsorption is { } ia:
                var next = ia.Schedule.Where(x => !x.Done).ToList();
                return next.Count == 0 ? $"immunoadsorption ({ia.Sessions} sessions)" : $"immunoadsorption: {Count(next.Count, "session")} from {Date(next[0].Date)}";
            default:
                return Name(action);
        }
    }

    public static string Name(ActionCode action) => action switch
    {
        ActionCode.Observe => "observe (no relapse treatment now)",
        ActionCode.TreatTrigger => "treat the trigger (infection, fever) first",
        ActionCode.OralMethylprednisolone => "oral methylprednisolone",
        ActionCode.IvMethylprednisolone => "IV methylprednisolone",
        ActionCode.AwaitResponse => "await the response to treatment",
        ActionCode.PlasmaExchange => "plasma exchange",
        ActionCode.Immunoadsorption => "immunoadsorption",
        ActionCode.EscalatedIvMethylprednisolone => "escalated IV methylprednisolone",
        ActionCode.Ivig => "IV immunoglobulin",
        ActionCode.SpecialistReview => "specialist review",
        ActionCode.Rehabilitation => "rehabilitation",
        ActionCode.SymptomaticTherapy => "symptomatic therapy",
        _ => WireNames.Of(action).Replace('-', ' '),
    };

    public static string Count(int n, string singular) => n == 1 ? $"1 {singular}" : $"{n} {singular}s";

    /// <summary>"Urgent: IV methylprednisolone 1,000 mg/day × 5 days — severe MS relapse", cut to fit.</summary>
    public static string Summary(Recommendation r)
    {
        var step = Step(r.Advice.Primary, r);
        var verb = r.Advice.Primary is ActionCode.Observe or ActionCode.TreatTrigger or ActionCode.AwaitResponse ? "" : "start ";
        var text = $"{UrgencyWord(r.Advice.Urgency)}: {verb}{step} — {Episode(r)}";
        return Fit(text);
    }

    /// <summary>
    /// The text cut to fit a summary: at a word's end, and before a parenthesis it would leave open (a cut inside one
    /// drops the clause that closes it, which can turn its meaning), then "…".
    /// </summary>
    public static string Fit(string text)
    {
        if (text.Length <= MaxSummaryLength)
        {
            return text;
        }

        var cut = text.AsSpan(0, MaxSummaryLength - 1);
        if (text[MaxSummaryLength - 1] != ' ' && cut.LastIndexOf(' ') is var space and > MaxSummaryLength / 2)
        {
            cut = cut[..space]; // not mid-word
        }

        var depth = 0;
        var open = -1;
        for (var i = cut.Length - 1; i >= 0 && open < 0; i--)
        {
            depth += cut[i] switch { ')' => 1, '(' => -1, _ => 0 };
            open = depth < 0 ? i : -1;
        }

        if (open > MaxSummaryLength / 2)
        {
            cut = cut[..open]; // not inside a parenthesis
        }

        return string.Concat(cut.TrimEnd().TrimEnd(",;:—-").TrimEnd(), "…");
    }

    /// <summary>Text from the engine made safe for GFM without HTML: no tag, entity, or stray Markdown syntax.</summary>
    public static string Md(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '<' or '>' or '&' or '*' or '_' or '[' or ']' or '`' or '|' or '#' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c is '\r' or '\n' ? ' ' : c);
        }

        return sb.ToString();
    }
}
