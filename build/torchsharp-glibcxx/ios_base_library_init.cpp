// TorchSharp 0.107's libLibTorchSharp.so is linked against GCC 13's libstdc++ and imports one
// symbol of version GLIBCXX_3.4.32: std::ios_base_library_init(), the hook GCC 13 uses to
// initialise the standard streams early. Older libstdc++ (Debian 12: GLIBCXX_3.4.30) initialises
// them in its own constructors, so an empty definition is a safe stand-in.
namespace std
{
void ios_base_library_init() {}
}
