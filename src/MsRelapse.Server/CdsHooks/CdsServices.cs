namespace MsRelapse.Server.CdsHooks;

/// <summary>The three services of shared/contract/cds-hooks.md (ids never change).</summary>
internal static class CdsServices
{
    public const string PatientView = "msrelapse-patient-view";
    public const string OrderSelect = "msrelapse-order-select";
    public const string OrderSign = "msrelapse-order-sign";

    public static readonly IReadOnlyDictionary<string, string> HookOf = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [PatientView] = "patient-view",
        [OrderSelect] = "order-select",
        [OrderSign] = "order-sign",
    };

    public static CdsDiscovery Discovery { get; } = new(
    [
        new("patient-view", "MsRelapse: MS relapse plan",
            "When a patient with multiple sclerosis is opened: is there a relapse, how severe, and what to do now and how urgently (steroids, plasma exchange, immunoadsorption), with the plan's numbers.",
            PatientView, PrefetchTemplates.Templates, "Needs the patient's Conditions; Observations (EDSS, weight, labs), medications, allergies and apheresis procedures make the plan complete."),
        new("order-select", "MsRelapse: relapse order check",
            "When a glucocorticoid or apheresis order is selected: does it agree with the MS relapse recommendation (not recommended, contraindicated, different dose/route/days, missed escalation)?",
            OrderSelect, PrefetchTemplates.Templates),
        new("order-sign", "MsRelapse: relapse order check at signing",
            "Before glucocorticoid or apheresis orders are signed: the same checks as order-select on every draft order.",
            OrderSign, PrefetchTemplates.Templates),
    ]);
}
