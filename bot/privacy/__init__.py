"""Members' data rights: the privacy notice, access (/mydata), erasure (/forgetme) and retention."""
