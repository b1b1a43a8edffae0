"""The patient's record: health profile, plans (prescriptions) and the daily check-in diary."""
