namespace Irsa.Policy.Evaluation;

/// <summary>Per-evaluation scratch data; lists are created only when something is recorded.</summary>
internal struct EvaluationState
{
    public List<string>? MissingKeys;

    /// <summary>Set only when explaining a decision; every hook is a null check otherwise.</summary>
    public EvaluationTrace? Trace;

    public void AddMissingKey(string key)
    {
        MissingKeys ??= [];
        foreach (var existing in MissingKeys)
        {
            if (string.Equals(existing, key, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
        }

        MissingKeys.Add(key);
    }
}
