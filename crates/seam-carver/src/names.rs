//! The names of the library's choices, as the command line and `seams.json` spell them:
//! one table per enum gives its `name()`, `Display` and `FromStr`.

/// `named!(Type, "what", { Variant => "name", ... })` implements `Type::name`,
/// `Type::ALL`, `Display` and `FromStr` (whose error lists the names).
macro_rules! named {
    ($ty:ident, $what:literal, { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in the order of their names.
            pub const ALL: &[$ty] = &[$($ty::$variant),+];

            /// The name on the command line and in `seams.json`.
            pub fn name(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::ALL.iter().copied().find(|v| v.name() == s).ok_or_else(|| {
                    let names: Vec<String> =
                        $ty::ALL.iter().map(|v| format!("'{}'", v.name())).collect();
                    format!("unknown {} '{s}' (expected {})", $what, names.join(" or "))
                })
            }
        }
    };
}

pub(crate) use named;
