//! INTERFACE STUB — owned by the policy work package.
