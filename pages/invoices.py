import streamlit as st
st.title('invoices')
