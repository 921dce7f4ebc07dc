using System.Buffers;

namespace Irsa.SigV4;

/// <summary>A growable char buffer over pooled arrays, so canonical requests are built without per-call garbage.</summary>
internal ref struct CharBuffer
{
    private char[] _array;
    private int _length;

    public CharBuffer(int initialCapacity)
    {
        _array = ArrayPool<char>.Shared.Rent(initialCapacity);
        _length = 0;
    }

    public readonly int Length => _length;

    public readonly ReadOnlySpan<char> AsSpan() => _array.AsSpan(0, _length);

    public void Append(char c)
    {
        if (_length == _array.Length)
        {
            Grow(1);
        }

        _array[_length++] = c;
    }

    public void Append(scoped ReadOnlySpan<char> text)
    {
        if (_length + text.Length > _array.Length)
        {
            Grow(text.Length);
        }

        text.CopyTo(_array.AsSpan(_length));
        _length += text.Length;
    }

    public override readonly string ToString() => new(AsSpan());

    public void Dispose()
    {
        var array = _array;
        _array = [];
        if (array.Length > 0)
        {
            ArrayPool<char>.Shared.Return(array);
        }
    }

    private void Grow(int needed)
    {
        var next = ArrayPool<char>.Shared.Rent(Math.Max(_array.Length * 2, _length + needed));
        _array.AsSpan(0, _length).CopyTo(next);
        ArrayPool<char>.Shared.Return(_array);
        _array = next;
    }
}
