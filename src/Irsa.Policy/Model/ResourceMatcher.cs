using Irsa.Policy.Evaluation;
using Irsa.Policy.Matching;

namespace Irsa.Policy.Model;

/// <summary>
/// Compiled <c>Resource</c>/<c>NotResource</c>. Partition, service, region and account compare ignoring case;
/// the resource part is case-sensitive. Variables are honoured only in the resource part.
/// </summary>
internal sealed class ResourceMatcher
{
    private readonly Entry[] _entries;

    public ResourceMatcher(IReadOnlyList<string> resources, bool negated, bool variables)
    {
        Negated = negated;
        _entries = resources.Select(r => Entry.Compile(r, variables)).ToArray();
    }

    public bool Negated { get; }

    public bool Matches(RequestContext context, ref EvaluationState state)
    {
        var any = false;
        foreach (var entry in _entries)
        {
            var pattern = entry.Compiled;
            if (pattern is null)
            {
                if (!entry.Template.TryResolve(context, out var tokens, out var missing))
                {
                    state.AddMissingKey(missing!);

                    // Unresolved in NotResource: the statement does not apply (the differential peer's choice).
                    if (Negated)
                    {
                        return false;
                    }

                    continue;
                }

                pattern = new ArnPattern(tokens);
            }

            if (pattern.IsMatch(context.Resource, StringComparison.OrdinalIgnoreCase)
                || string.Equals(entry.Template.Source, context.Resource, StringComparison.Ordinal))
            {
                any = true;
                break;
            }
        }

        return any != Negated;
    }

    private sealed record Entry(PatternTemplate Template, ArnPattern? Compiled)
    {
        public static Entry Compile(string resource, bool variables)
        {
            PatternTemplate template;
            var split = ResourcePartStart(resource);
            if (variables && split > 0)
            {
                var head = PatternTemplate.Parse(resource[..split], wildcards: true, variables: false);
                var tail = PatternTemplate.Parse(resource[split..], wildcards: true, variables: true);
                template = PatternTemplate.Concat(resource, head, tail);
            }
            else
            {
                template = PatternTemplate.Parse(resource, wildcards: true, variables: false);
            }

            return new Entry(template, template.HasVariables ? null : new ArnPattern(template.Tokens));
        }

        private static int ResourcePartStart(string resource)
        {
            var index = -1;
            for (var i = 0; i < 5; i++)
            {
                index = resource.IndexOf(':', index + 1);
                if (index < 0)
                {
                    return -1;
                }
            }

            return index + 1;
        }
    }
}
